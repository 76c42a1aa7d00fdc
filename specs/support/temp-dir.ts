import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, onTestFinished } from 'vitest'

/**
 * A fresh temp folder, removed when the test that made it finishes or, made outside a test (at
 * collection, in beforeAll), after the spec file. (An afterAll registered inside a running test
 * never ran: every such folder was left in the temp dir, thousands over a few runs.)
 */
export function tempDir(prefix = 'codex-spec-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  const remove = () => {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 })
    } catch {
      // a process the test started still writing there: the OS temp cleaner's then
    }
  }
  try {
    onTestFinished(remove)
  } catch {
    afterAll(remove) // not inside a test
  }
  return dir
}

/** The repository root (specs run with cwd = root). */
export const REPO_ROOT = join(import.meta.dirname, '..', '..')

/** Environment for child processes: the caller's, with the ledger pointed at `ledgerPath`. */
export function childEnv(ledgerPath: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, CODEX_LEDGER: ledgerPath, CODEX_REPORTS: '0', FORCE_COLOR: '0', NO_COLOR: '1', ...extra }
}
