import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { importNdjson, parseNdjson } from '../../src/ledger/import-ndjson.ts'
import { lastResortFallbackPath } from '../../src/ledger/ledger-path.ts'
import { LedgerSink } from '../../src/ledger/ledger-sink.ts'
import { openLedger } from '../../src/ledger/open-ledger.ts'
import type { LedgerRecord } from '../../src/ledger/records.ts'
import { rawSqlite } from '../support/raw-sqlite.ts'
import { tempDir } from '../support/temp-dir.ts'

const dir = tempDir('ledger-sink-')
const start: LedgerRecord = {
  rid: 'start',
  table: 'sessions',
  row: { id: 'sess', kind: 'vitest', status: 'running', started_at: 't' },
}
const result = (i: number): LedgerRecord => ({
  rid: `r${i}`,
  table: 'test_results',
  row: { session_id: 'sess', name: `t${i}`, state: 'passed' },
})
const end: LedgerRecord = { ...start, rid: 'end', row: { ...start.row, status: 'passed', tests_total: 4 } }

function sinkFor(ledgerPath: string, fallback: string) {
  const warnings: string[] = []
  const sink = new LedgerSink(ledgerPath, fallback, (l) => warnings.push(l))
  return { sink, warnings }
}

describe('LedgerSink', () => {
  test('appends on a fresh line after a torn tail, so the crash that tore it costs nothing more', () => {
    const ledgerPath = join(dir, 'is-a-dir.db')
    mkdirSync(ledgerPath)
    const fallback = join(dir, 'torn-tail.ndjson')
    writeFileSync(fallback, `${JSON.stringify(result(0))}\n${JSON.stringify(result(1)).slice(0, 30)}`)
    const { sink, warnings } = sinkFor(ledgerPath, fallback)
    sink.setPreamble([start])
    sink.write([start])
    sink.write([result(2), result(3)])
    sink.write([end])
    sink.close()
    const parsed = parseNdjson(readFileSync(fallback, 'utf8'), fallback)
    expect(parsed.torn).toEqual([2])
    expect(parsed.records.map((r) => r.rid)).toEqual(['r0', 'start', 'r2', 'r3', 'end'])
    expect(warnings).toEqual([
      `codex-gates: ledger unavailable (cannot open ledger ${ledgerPath}: ledger ${ledgerPath} is a directory, not a file; fix: point CODEX_LEDGER at a file (e.g. ${join(ledgerPath, 'session_logs.db')}), or remove the directory (rmdir ${ledgerPath})); recording to ${fallback} — run \`npm run ledger -- import\` once it is fixed`,
    ])
  })

  describe('when the fallback folder cannot be written either (disk full, read-only)', () => {
    const ledgerPath = join(dir, 'blocked', 'ledger.db')
    const last = lastResortFallbackPath(ledgerPath)
    afterAll(() => rmSync(last, { force: true }))

    test('records go to the last resort in the temp folder, and the one warning names it in the import command', () => {
      writeFileSync(join(dir, 'blocked'), 'a file where the folder should be')
      const fallback = join(dir, 'blocked', 'ledger-fallback.ndjson')
      const { sink, warnings } = sinkFor(ledgerPath, fallback)
      sink.setPreamble([start])
      sink.write([start])
      sink.write([result(1)])
      sink.write([end])
      sink.close()
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toMatch(
        new RegExp(
          `^codex-gates: ledger unavailable \\(cannot open ledger .*\\); ${fallback} cannot be written either \\((EEXIST|ENOTDIR): .*\\); recording to ${last} — run \`npm run ledger -- import ${last}\` once it is fixed$`,
        ),
      )
      expect(parseNdjson(readFileSync(last, 'utf8'), last).records.map((r) => r.rid)).toEqual(['start', 'r1', 'end'])
      expect(last).not.toBe(lastResortFallbackPath(join(dir, 'other', 'ledger.db')))
    })
  })

  test('while the ledger works: not degraded, and an empty write touches nothing', () => {
    const ledgerPath = join(dir, 'works.db')
    const fallback = join(dir, 'works.ndjson')
    const { sink, warnings } = sinkFor(ledgerPath, fallback)
    expect(sink.isDegraded).toBe(false)
    expect(sink.activeFallbackPath).toBe(fallback)
    sink.setPreamble([start])
    sink.write([])
    sink.write([start, result(1)])
    sink.close()
    sink.close() // a second close (every exit path closes) is harmless
    expect(existsSync(fallback)).toBe(false)
    expect(warnings).toEqual([])
    const ledger = openLedger(ledgerPath, { readonly: true })
    expect(ledger.get('SELECT COUNT(*) AS n FROM test_results')).toEqual({ n: 1 })
    ledger.close()
  })

  test('when neither the fallback nor the last resort can be written: says the records are lost, each time, never throws', () => {
    mkdirSync(join(dir, 'nowhere'))
    writeFileSync(join(dir, 'nowhere', 'not-a-folder'), '')
    const ledgerPath = join(dir, 'nowhere', 'not-a-folder', 'ledger.db')
    const fallback = join(dir, 'nowhere', 'not-a-folder', 'ledger-fallback.ndjson')
    const last = lastResortFallbackPath(ledgerPath)
    mkdirSync(last) // a folder where the last-resort file would go
    try {
      const { sink, warnings } = sinkFor(ledgerPath, fallback)
      expect(sink.isDegraded).toBe(true)
      sink.setPreamble([start])
      sink.write([start])
      expect(sink.activeFallbackPath).toBe(last)
      sink.write([result(1)])
      sink.close()
      expect(warnings).toHaveLength(2)
      expect(warnings[0]).toMatch(
        new RegExp(
          `^codex-gates: ledger unavailable \\(cannot open ledger .*\\); ${fallback} cannot be written either \\(\\w+: .*\\), nor ${last} \\(EISDIR: .*\\); these records are lost$`,
        ),
      )
      // From then on the last resort is the fallback: its failure alone is reported.
      expect(warnings[1]).toMatch(
        new RegExp(
          `^codex-gates: ledger unavailable \\(.*\\); ${last} cannot be written either \\(EISDIR: .*\\); these records are lost$`,
        ),
      )
    } finally {
      rmSync(last, { recursive: true, force: true })
    }
  })

  test('a ledger that fails mid-session: what it took is written to the fallback too, and one import restores all of it', () => {
    const ledgerPath = join(dir, 'mid-run.db')
    const fallback = join(dir, 'mid-run.ndjson')
    const previous = process.env.CODEX_LEDGER_BUSY_MS
    process.env.CODEX_LEDGER_BUSY_MS = '50'
    const { sink, warnings } = sinkFor(ledgerPath, fallback)
    const holder = rawSqlite(ledgerPath) // another process's connection, holding the lock
    try {
      sink.setPreamble([start])
      sink.write([start])
      sink.write([result(1)])
      holder.exec('BEGIN EXCLUSIVE')
      sink.write([result(2)])
      sink.write([end])
      sink.close()
    } finally {
      holder.exec('ROLLBACK')
      holder.close()
      if (previous === undefined) delete process.env.CODEX_LEDGER_BUSY_MS
      else process.env.CODEX_LEDGER_BUSY_MS = previous
    }
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/cannot write ledger .*locked/)
    expect(parseNdjson(readFileSync(fallback, 'utf8'), fallback).records.map((r) => r.rid)).toEqual([
      'start',
      'r1',
      'r2',
      'end',
    ])
    // Into the ledger that kept the first two: only the rest is new.
    const kept = openLedger(ledgerPath)
    expect(importNdjson(kept, fallback)).toEqual({ read: 4, imported: 2, torn: [] })
    kept.close()
    // Into a fresh one (the first was lost): everything.
    const fresh = openLedger(join(dir, 'fresh.db'))
    expect(importNdjson(fresh, fallback)).toEqual({ read: 4, imported: 4, torn: [] })
    expect(fresh.get('SELECT status, tests_total FROM sessions')).toEqual({ status: 'passed', tests_total: 4 })
    expect(fresh.get('SELECT COUNT(*) AS n FROM test_results')).toEqual({ n: 2 })
    fresh.close()
  })
})
