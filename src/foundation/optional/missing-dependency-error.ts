import { UserError } from '../errors/user-error.ts'
import { HIDDEN_MARKER } from './without-hook.mjs'

export type MissingReason = 'not-installed' | 'hidden' | 'failed-to-load'

export interface MissingDependencyDetails {
  reason: MissingReason
  /** The command that fixes it, e.g. `npm i better-sqlite3@12.11.1`. */
  remediation: string
  /** What the dependency provides, for the message. */
  provides: string
  /** First line of the underlying error (failed-to-load). */
  detail?: string
  cause?: unknown
}

/**
 * An optional dependency that cannot be loaded: absent, hidden by the drift matrix, or installed
 * but broken (a native build for another Node). Exit 2, the fix in the message itself (so it
 * survives wherever only `message` is shown: the ledger fallback warning, a skip reason).
 */
export class MissingDependencyError extends UserError {
  readonly dependency: string
  readonly reason: MissingReason
  readonly remediation: string

  constructor(dependency: string, details: MissingDependencyDetails) {
    super('MISSING_DEPENDENCY', messageFor(dependency, details), hintFor(details.reason))
    this.name = 'MissingDependencyError'
    this.dependency = dependency
    this.reason = details.reason
    this.remediation = details.remediation
    if (details.cause !== undefined) this.cause = details.cause
  }
}

/** True for a MissingDependencyError (optionally for one package). */
export function isMissingDependency(error: unknown, dependency?: string): error is MissingDependencyError {
  return error instanceof MissingDependencyError && (dependency === undefined || error.dependency === dependency)
}

// --- internal ---

function messageFor(dependency: string, d: MissingDependencyDetails): string {
  const what =
    d.reason === 'failed-to-load'
      ? `is installed but failed to load (${d.detail ?? 'unknown error'})`
      : `is not installed${d.reason === 'hidden' ? ` (${HIDDEN_MARKER})` : ''}`
  return `optional dependency ${dependency} ${what}; it provides ${d.provides}. Fix: ${d.remediation}`
}

function hintFor(reason: MissingReason): string {
  if (reason === 'hidden') return 'the drift matrix hides it on purpose; unset CODEX_DRIFT_WITHOUT to use it'
  if (reason === 'failed-to-load') return 'a native module built for another Node.js: `npm rebuild`, or `npm ci`'
  return '`npm ci` installs every version package-lock.json pins'
}
