import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { exportRecords, importNdjson, parseRecords } from '../../../src/ledger/import-ndjson.ts'
import { openLedger } from '../../../src/ledger/open-ledger.ts'
import type { LedgerRecord } from '../../../src/ledger/records.ts'
import { rawSqlite } from '../../support/raw-sqlite.ts'
import { runFixture } from '../../support/run-fixture.ts'
import { tempDir } from '../../support/temp-dir.ts'

/** The final state of every row the records describe (sessions collapse to their last write). */
function expectedRows(records: LedgerRecord[]): Map<string, unknown[]> {
  const byTable = new Map<string, unknown[]>()
  const sessions = new Map<string, unknown>()
  for (const r of records) {
    if (r.table === 'sessions')
      sessions.set(String(r.row.id), { ...(sessions.get(String(r.row.id)) as object), ...r.row })
    else byTable.set(r.table, [...(byTable.get(r.table) ?? []), r.row])
  }
  byTable.set('sessions', [...sessions.values()])
  return byTable
}

describe('ledger fallback', () => {
  test('an unusable ledger → NDJSON beside it, the run exit code untouched; import brings identical rows, exactly once', () => {
    const dir = tempDir('fallback-')
    const ledgerPath = join(dir, 'ledger.db')
    writeFileSync(ledgerPath, 'corrupted: this file is not a SQLite database at all, but it is long enough.')

    const run = runFixture(ledgerPath)
    expect(run.code).toBe(1) // the fixture's own failing test, not the ledger
    const warnings = run.output.split('\n').filter((l) => l.startsWith('codex-gates: ledger unavailable'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(join(dir, 'ledger-fallback.ndjson'))
    expect(warnings[0]).toContain('npm run ledger -- import')

    const fallback = join(dir, 'ledger-fallback.ndjson')
    const records = parseRecords(readFileSync(fallback, 'utf8'), fallback)
    expect(records.filter((r) => r.table === 'test_results')).toHaveLength(8)
    expect(readFileSync(join(dir, 'errors.ndjson'), 'utf8').trim().split('\n')).toHaveLength(2)

    const repaired = openLedger(join(dir, 'repaired.db'))
    expect(importNdjson(repaired, fallback)).toEqual({ read: records.length, imported: records.length, torn: [] })
    const stored = new Map<string, unknown[]>()
    for (const r of exportRecords(repaired)) stored.set(r.table, [...(stored.get(r.table) ?? []), r.row])
    for (const [table, rows] of expectedRows(records)) {
      const actual = (stored.get(table) ?? []) as Record<string, unknown>[]
      expect(actual, table).toHaveLength(rows.length)
      for (const row of rows as Record<string, unknown>[])
        expect(actual, table).toContainEqual(expect.objectContaining(row))
    }
    const session = repaired.get<{ status: string; tests_total: number }>('SELECT status, tests_total FROM sessions')
    expect(session).toEqual({ status: 'failed', tests_total: 7 })

    expect(importNdjson(repaired, fallback)).toEqual({ read: records.length, imported: 0, torn: [] })
    expect(repaired.get('SELECT COUNT(*) AS n FROM test_results')).toEqual({ n: 8 })
    repaired.close()
  }, 90_000)

  test('a ledger locked past the busy timeout degrades mid-run and loses nothing', () => {
    const dir = tempDir('locked-')
    const ledgerPath = join(dir, 'ledger.db')
    openLedger(ledgerPath).close()
    const lock = rawSqlite(ledgerPath)
    lock.exec('BEGIN EXCLUSIVE') // another writer that never lets go
    try {
      const run = runFixture(ledgerPath, undefined, { CODEX_LEDGER_BUSY_MS: '200' })
      expect(run.code).toBe(1)
      expect(run.output).toMatch(/codex-gates: ledger unavailable \(.*(locked|busy)/i)
    } finally {
      lock.exec('ROLLBACK')
      lock.close()
    }
    const holder = openLedger(ledgerPath)
    const result = importNdjson(holder, join(dir, 'ledger-fallback.ndjson'))
    expect(result.imported).toBeGreaterThan(0)
    expect(holder.get('SELECT COUNT(*) AS n FROM test_results')).toEqual({ n: 8 })
    expect(holder.get('SELECT status FROM sessions')).toEqual({ status: 'failed' })
    holder.close()
  }, 90_000)
})
