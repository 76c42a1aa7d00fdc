import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'

/** A fresh temp folder, removed after the spec file finishes. */
export function tempDir(prefix = 'codex-spec-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** The repository root (specs run with cwd = root). */
export const REPO_ROOT = join(import.meta.dirname, '..', '..')

/** Environment for child processes: the caller's, with the ledger pointed at `ledgerPath`. */
export function childEnv(ledgerPath: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, CODEX_LEDGER: ledgerPath, CODEX_REPORTS: '0', FORCE_COLOR: '0', NO_COLOR: '1', ...extra }
}
