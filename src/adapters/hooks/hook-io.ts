import { INSTALLED } from '../../foundation/cli/user-command.ts'

/** How the hook commands reach the outside: injectable so specs drive them without a child process. */
export interface HookIo {
  /** The repository's top-level folder (git runs hooks there). */
  cwd: string
  env: NodeJS.ProcessEnv
  /** The hook's own arguments, recorded with the session. */
  argv: readonly string[]
  /** Where every hook line goes (stderr: git shows it beside its own messages). */
  err: (line: string) => void
  /** Aborted on SIGINT/SIGTERM/SIGHUP: steps stop, the session is recorded as interrupted. */
  signal?: AbortSignal
  /** Told about the temp folder of staged bytes, so a signal handler can remove it. */
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
