import type { ChildProcessByStdio } from 'node:child_process'
import type { Readable } from 'node:stream'
import type { EarlyGit } from './early-git.cjs'

/** How the launcher's Biome ended: its exit code and output, or the error starting it. */
export type LauncherLintEnd =
  | { code: number | null; stdout: Buffer; stderr: Buffer; endedMs: number; error?: undefined }
  | { error: Error; endedMs: number }

/** Biome as the launcher started it (launcher-lint.cjs). */
export interface LauncherLint {
  cwd: string
  /** Its folder: the files and the support files, exported from the index. */
  dir: string
  /** The plan file's text it followed. */
  plan: string
  /** The files Biome checks, in order. */
  files: string[]
  /** The blob id of each file and support file written to `dir`. */
  oids: Record<string, string>
  /** When it started (ms since the process started). */
  startedMs: number
  child: ChildProcessByStdio<null, Readable, Readable>
  ended: Promise<LauncherLintEnd>
  /** Stops Biome if it still runs and removes its folder. */
  dispose(): void
}

/** The plan's path under the git dir. */
export declare const PLAN_FILE: string
export declare const PLAN_VERSION: number

/** The plan file of the repository whose top is `cwd`. */
export declare function planPath(cwd: string): string

/**
 * Starts Biome from the plan when it applies; resolves once started or given up (never rejects).
 * The started Biome goes to `keep` (default: leaveLauncherLint, for the runner).
 */
export declare function startLauncherLint(
  cwd: string,
  early: Pick<EarlyGit, 'changed' | 'objects'> | undefined,
  env?: NodeJS.ProcessEnv,
  keep?: (launched: LauncherLint) => void,
): Promise<void>

/** Leaves a started Biome for the runner; stopped at exit if never taken. */
export declare function leaveLauncherLint(launched: LauncherLint): void

/** The launcher's Biome, once, where it ran in `cwd`; else undefined (and it is stopped). */
export declare function takeLauncherLint(cwd: string): LauncherLint | undefined
