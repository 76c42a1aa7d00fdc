import { setting } from '../../foundation/settings/settings.ts'

/** A warm server exits after this long without a request, unless CODEX_RUFF_SERVER_IDLE_MS says otherwise (ms). */
export const DEFAULT_IDLE_MS = 15 * 60 * 1000

/** Whether this run may use a warm ruff server, and start one when none answers. */
export interface RuffServerPolicy {
  use: boolean
  spawn: boolean
  /** Why not, when `use` or `spawn` is false. */
  why?: string
  idleMs: number
}

/**
 * The server is used unless CODEX_RUFF_SERVER=0 or the python-lint config's `server: false`;
 * started only where it is used and CI is not set (a CI job has no next commit to warm up for).
 */
export function ruffServerPolicy(env: NodeJS.ProcessEnv, config?: { server?: boolean }): RuffServerPolicy {
  const idleMs = idleMsOf(env)
  if (setting('CODEX_RUFF_SERVER', env) === false)
    return { use: false, spawn: false, why: 'CODEX_RUFF_SERVER=0', idleMs }
  if (config?.server === false) return { use: false, spawn: false, why: 'python-lint server: false', idleMs }
  if (setting('CI', env) !== undefined) return { use: true, spawn: false, why: 'CI is set', idleMs }
  return { use: true, spawn: true, idleMs }
}

export function idleMsOf(env: NodeJS.ProcessEnv): number {
  return setting('CODEX_RUFF_SERVER_IDLE_MS', env) ?? DEFAULT_IDLE_MS
}
