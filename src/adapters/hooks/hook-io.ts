import type { Io } from '../../foundation/cli/io.ts'
import { INSTALLED } from '../../foundation/cli/user-command.ts'

/**
 * What a hook runs with: the command kit's one Io (its `cwd` the repository's top-level folder,
 * where git runs hooks; every hook line goes to stderr, beside git's own messages) plus what only
 * a hook has: its arguments, the abort signal, the temp folder to clean up and the clock.
 */
export interface HookIo extends Io {
  /** The hook's own arguments, recorded with the session. */
  argv: readonly string[]
  /** Aborted on SIGINT/SIGTERM/SIGHUP: steps stop, the session is recorded as interrupted. */
  signal?: AbortSignal
  /** Told about each temp folder of staged bytes, so a signal handler can remove them; undefined: all are gone. */
  onTempDir?: (dir: string | undefined) => void
  /** ms since the hook process started (module loading included): the total the user waited. */
  elapsed: () => number
  /**
   * Keeps the process alive until `work` settles, even after Ctrl-C (a second Ctrl-C included):
   * for children that must finish restoring the user's files. Defaults to running it plainly.
   */
  hold?: <T>(work: Promise<T>) => Promise<T>
  /** The hook's stdin (pre-push reads the pushed refs from it). */
  readStdin?: () => Promise<string>
}

/** How users run the hook CLI by hand (re-gating commits, rebuilding the bundle). */
export const HOOK_COMMAND = INSTALLED ? 'npx codex-gates hook' : 'npm run hook --'

/** Writes one line of a hook's output (to stderr: git shows it beside its own messages). */
export function hookLine(io: Io, line: string): void {
  io.stderr(`${line}\n`)
}
