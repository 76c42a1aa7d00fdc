import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { UserError } from '../foundation/errors/user-error.ts'
import { nodeCrypto } from '../foundation/lazy/node-crypto.ts'
import { envValue } from '../foundation/settings/env-value.ts'

/** Default ledger location, relative to the working directory: `.codex/session_logs.db`. */
export const DEFAULT_LEDGER_PATH = join('.codex', 'session_logs.db')

/** Set by the specs' global setup: the default ledger path may not be used while it is on. */
export const SPEC_GUARD_ENV = 'CODEX_LEDGER_SPEC_GUARD'

/**
 * The ledger path: an explicit one, else `CODEX_LEDGER`, else `.codex/session_logs.db`. An empty
 * value (`CODEX_LEDGER=`, `--ledger ""`) means unset: resolved, it would name the working directory.
 */
export function resolveLedgerPath(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = (explicit?.trim() ? explicit : undefined) ?? envValue('CODEX_LEDGER', env) ?? DEFAULT_LEDGER_PATH
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
  const realRoot = envValue('CODEX_REAL_ROOT', env)
  if (!realRoot) return false
  return absolute.startsWith(join(realRoot, '.codex'))
}

/** Files that live beside the ledger: the NDJSON fallback and the error-capture log. */
export function sidecarPaths(
  ledgerPath: string,
  env: NodeJS.ProcessEnv = process.env,
): { fallback: string; errors: string; dir: string } {
  const dir = ledgerPath === ':memory:' ? resolve('.codex') : dirname(ledgerPath)
  return {
    dir,
    fallback: envValue('CODEX_LEDGER_FALLBACK', env) ?? join(dir, 'ledger-fallback.ndjson'),
    errors: join(dir, 'errors.ndjson'),
  }
}

/**
 * Where records go when the fallback beside the ledger cannot be written either (disk full,
 * read-only folder): a file in the OS temp folder named after the user and the ledger, so two
 * repositories never share one and `ledger import` finds this ledger's without being told.
 */
export function lastResortFallbackPath(ledgerPath: string): string {
  const digest = nodeCrypto().createHash('sha256').update(resolve(ledgerPath)).digest('hex').slice(0, 12)
  return join(tmpdir(), `codex-ledger-fallback-${process.getuid?.() ?? 'user'}-${digest}.ndjson`)
}

/** Every file a writer may have recorded this ledger's records to, in the order to import them. */
export function fallbackPaths(ledgerPath: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const paths = [sidecarPaths(ledgerPath, env).fallback, lastResortFallbackPath(ledgerPath)]
  return [...new Set(paths)]
}
