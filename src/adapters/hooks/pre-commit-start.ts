import { setting } from '../../foundation/settings/settings.ts'
import { releaseEarlyGit, takeEarlyGit } from './early-git.cjs'
import { EarlyLint } from './early-lint.ts'
import type { HookIo } from './hook-io.ts'
import { ObjectReader } from './object-reader.ts'
import { indexSnapshot, type Snapshot } from './snapshot.ts'
import { mark } from './timeline.ts'

/** What the pre-commit hook has under way before its own code is loaded. */
export interface PreCommitStart {
  /** The index snapshot: `git write-tree` and `git diff --cached` running, the index file read. */
  snapshot: Promise<Snapshot>
  /** `git cat-file --batch-command`, started for the export of the staged bytes. */
  objects: ObjectReader
  /** Biome on the staged files, started once the snapshot names them (see early-lint.ts). */
  lint: Promise<EarlyLint | undefined>
}

/**
 * Starts git's work for a pre-commit hook now: its processes run while Node loads and compiles the
 * hook's code (a process start costs ~5–20 ms, the hook's modules ~15 ms). Undefined with
 * `CODEX_HOOK_FIX=1`: the fixers rewrite the index first, so the snapshot waits for them. The
 * snapshot's rejection is handled when it is awaited; until then it must not count as unhandled.
 */
export function startPreCommit(io: HookIo): PreCommitStart | undefined {
  if (setting('CODEX_HOOK_FIX', io.env) === true) {
    releaseEarlyGit()
    return undefined
  }
  const options = { cwd: io.cwd, env: io.env }
  // Where the launcher (.husky/launch.cjs) started these very processes already, they are taken.
  const early = takeEarlyGit(io.cwd)
  const snapshot = indexSnapshot(options, early)
  snapshot.catch(() => undefined)
  const objects = new ObjectReader(options).open(early?.objects)
  const lint = snapshot.then(
    (s) => EarlyLint.start(io, s, objects),
    () => undefined,
  )
  mark('git started')
  return { snapshot, objects, lint }
}
