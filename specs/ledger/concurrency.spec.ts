import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { openLedger } from '../../src/ledger/open-ledger.ts'
import { childEnv, REPO_ROOT, tempDir } from '../support/temp-dir.ts'

function runChild(ledgerPath: string, worker: number, count: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
      [join(REPO_ROOT, 'specs', 'ledger', 'write-sessions-child.ts'), String(count), String(worker)],
      {
        env: childEnv(ledgerPath),
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    )
    let stderr = ''
    child.stderr.on('data', (d) => {
      stderr += d
    })
    child.on('close', (code) => resolve({ code, stderr }))
  })
}

describe('ledger under concurrent writers', () => {
  test('4 processes × 500 sessions into one fresh ledger: 2,000 sessions, nothing lost, no SQLITE_BUSY', async () => {
    const ledgerPath = join(tempDir('concurrency-'), 'ledger.db')
    // The file does not exist yet: the four processes also race to create it.
    const results = await Promise.all([0, 1, 2, 3].map((w) => runChild(ledgerPath, w, 500)))
    for (const r of results) {
      expect(r.stderr).not.toMatch(/SQLITE_BUSY|database is locked/)
      expect(r.code).toBe(0)
    }
    const ledger = openLedger(ledgerPath)
    expect(ledger.get('SELECT COUNT(*) AS n FROM sessions')).toEqual({ n: 2000 })
    expect(ledger.get('SELECT COUNT(*) AS n FROM test_results')).toEqual({ n: 2000 })
    expect(ledger.all('SELECT kind, COUNT(*) AS n FROM sessions GROUP BY kind ORDER BY kind')).toEqual(
      [0, 1, 2, 3].map((w) => ({ kind: `worker-${w}`, n: 500 })),
    )
    expect(
      ledger.get(
        'SELECT COUNT(*) AS n FROM test_results t LEFT JOIN sessions s ON s.id = t.session_id WHERE s.id IS NULL',
      ),
    ).toEqual({ n: 0 })
    expect(ledger.pragma('journal_mode')).toBe('wal')
    ledger.close()
  }, 120_000)
})
