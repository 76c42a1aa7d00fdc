import type { ChildProcessWithoutNullStreams } from 'node:child_process'

export interface GitResult {
  code: number
  stdout: string
  stderr: string
}

export interface GitOptions {
  cwd: string
  /** Bytes for stdin; without it stdin is closed (/dev/null), so git can never wait on a prompt. */
  input?: string
  env?: NodeJS.ProcessEnv
  /** ms before the process is killed (default 30 s). */
  timeoutMs?: number
}

/** The pre-commit snapshot's processes, started by the hook's launcher. */
export interface EarlyGit {
  cwd: string
  /** `git write-tree`. */
  tree: Promise<GitResult>
  /** `git diff --cached` (DIFF_CACHED). */
  changed: Promise<GitResult>
  /** `git cat-file --batch-command`. */
  objects: ChildProcessWithoutNullStreams
}

/** Children run in their own process group (not on Windows). */
export declare const OWN_PROCESS_GROUP: boolean
export declare const WRITE_TREE: readonly string[]
export declare const DIFF_CACHED: readonly string[]

/** Runs git, collecting output; never rejects for a non-zero exit (the caller reads `code`). */
export declare function runGit(args: readonly string[], options: GitOptions): Promise<GitResult>

/** `git cat-file --batch-command` with its three pipes open. */
export declare function spawnCatFile(options: { cwd: string; env?: NodeJS.ProcessEnv }): ChildProcessWithoutNullStreams

/** Starts the pre-commit snapshot's processes in `cwd`, for the runner to take (and returns them). */
export declare function startEarlyGit(cwd: string): EarlyGit

/** The launcher's processes, once, where they ran in `cwd`; else undefined (and they are let go). */
export declare function takeEarlyGit(cwd: string): EarlyGit | undefined

/** Lets the launcher's processes go unused; with `objects`, only when that is their cat-file. */
export declare function releaseEarlyGit(objects?: ChildProcessWithoutNullStreams): void
