import { dirname, join, resolve } from 'node:path'
import { UserError } from '../foundation/errors/user-error.ts'

/** Default ledger location, relative to the working directory: `.codex/session_logs.db`. */
export const DEFAULT_LEDGER_PATH = join('.codex', 'session_logs.db')

/** Set by the specs' global setup: the default ledger path may not be used while it is on. */
export const SPEC_GUARD_ENV = 'CODEX_LEDGER_SPEC_GUARD'

/** The ledger path: an explicit one, else `CODEX_LEDGER`, else `.codex/session_logs.db`. */
export function resolveLedgerPath(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = explicit ?? env.CODEX_LEDGER ?? DEFAULT_LEDGER_PATH
  if (chosen === ':memory:') return chosen
  const absolute = resolve(chosen)
  assertLedgerAllowed(absolute, env)
  return absolute
}

/** Throws inside specs (guard on) for any path under the repository's real `.codex/`. */
export function assertLedgerAllowed(path: string, env: NodeJS.ProcessEnv = process.env): void {
  if (path === ':memory:' || env[SPEC_GUARD_ENV] !== '1') return
  const absolute = resolve(path)
  if (isUnderRealCodexDir(absolute, env)) {
    throw new UserError(
      'LEDGER_SPEC_GUARD',
      `specs may not write the real ledger (${absolute})`,
      'give the spec a temp ledger: set CODEX_LEDGER to a path under os.tmpdir()',
    )
  }
}

function isUnderRealCodexDir(absolute: string, env: NodeJS.ProcessEnv): boolean {
  const realRoot = env.CODEX_REAL_ROOT
  if (!realRoot) return false
  return absolute.startsWith(join(realRoot, '.codex'))
}

/** Files that live beside the ledger: the NDJSON fallback and the error-capture log. */
export function sidecarPaths(ledgerPath: string): { fallback: string; errors: string; dir: string } {
  const dir = ledgerPath === ':memory:' ? resolve('.codex') : dirname(ledgerPath)
  return {
    dir,
    fallback: process.env.CODEX_LEDGER_FALLBACK ?? join(dir, 'ledger-fallback.ndjson'),
    errors: join(dir, 'errors.ndjson'),
  }
}
