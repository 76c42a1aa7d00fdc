/** The hook's environment without git's per-commit variables (GIT_*). */
export declare function standbyEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv
/** Records every process.env variable read from now on; `stop()` ends it: the names, or 'all'. */
export declare function trackEnv(): { stop(): Set<string> | 'all' }
/** The first variable that differs between `own` and `asked` among `read` (and NODE_*, the launcher's); or undefined. */
export declare function envChange(
  own: NodeJS.ProcessEnv,
  asked: NodeJS.ProcessEnv,
  read: ReadonlySet<string> | 'all',
): string | undefined
/** Where `standby serve` finds its start record. */
export declare const START_KEY: symbol
/** Starts noting the environment read and leaves the start record for `standby serve`. */
export declare function recordStandbyStart(start: {
  /** The program's files: any of them replaced makes the standby stale (`rebuilt`). */
  files: readonly string[]
  rebuilt: string
  /** Any other reason it is stale. */
  stale?: () => string | undefined
  /** What starts the next standby. */
  command: readonly string[]
}): void
