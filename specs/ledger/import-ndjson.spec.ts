import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { exportCsv, importNdjson, parseRecords } from '../../src/ledger/import-ndjson.ts'
import { openLedger } from '../../src/ledger/open-ledger.ts'
import type { LedgerRecord } from '../../src/ledger/records.ts'
import { tempDir } from '../support/temp-dir.ts'
import { userErrorFrom } from '../support/user-error.ts'

const dir = tempDir('import-ndjson-')

const recordArb: fc.Arbitrary<LedgerRecord> = fc.record({
  rid: fc.string({ minLength: 1, maxLength: 12 }),
  table: fc.constantFrom('events' as const, 'metrics' as const, 'sessions' as const),
  row: fc.dictionary(
    fc.string({ minLength: 1, maxLength: 6 }),
    fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
    {
      maxKeys: 4,
    },
  ),
})

describe('parseRecords()', () => {
  test('property: a torn last line (the writer died mid-append) is dropped, everything before it kept', () => {
    fc.assert(
      fc.property(fc.array(recordArb, { maxLength: 6 }), recordArb, fc.nat(), (records, torn, cut) => {
        const whole = JSON.stringify(torn)
        const partial = whole.slice(0, 1 + (cut % (whole.length - 1))) // never the complete line
        const text = `${records.map((r) => JSON.stringify(r)).join('\n')}${records.length ? '\n' : ''}${partial}`
        expect(parseRecords(text, 'f.ndjson')).toEqual(records)
        // Also with the trailing newline the appender writes after each record.
        expect(parseRecords(`${text}\n`, 'f.ndjson')).toEqual(records)
      }),
    )
  })

  test('a malformed line before the last one is an error naming file:line and the fix', () => {
    const good = JSON.stringify({ rid: 'a', table: 'events', row: {} })
    const error = userErrorFrom(() => parseRecords(`${good}\n{"rid": oops}\n${good}\n`, 'fallback.ndjson'))
    expect(error.code).toBe('BAD_NDJSON')
    expect(error.message).toMatch(/^fallback\.ndjson:2: not valid JSON \(.+\)$/)
    expect(error.hint).toBe('fix or delete that line, then import again')
  })

  test.each([
    ['no rid', { table: 'events', row: {} }],
    ['a table that is not a ledger table', { rid: 'x', table: 'imported_records', row: {} }],
    ['a null row', { rid: 'x', table: 'events', row: null }],
    ['a row that is a string', { rid: 'x', table: 'events', row: 'a=1' }],
  ])('refuses a record with %s, naming file:line and which files can be imported', (_what, record) => {
    const good = JSON.stringify({ rid: 'a', table: 'events', row: {} })
    const error = userErrorFrom(() => parseRecords(`\n${good}\n${JSON.stringify(record)}\n`, 'x.ndjson'))
    expect(error.code).toBe('BAD_RECORD')
    expect(error.message).toBe(
      'x.ndjson:3: expected {"rid": string, "table": one of sessions|test_results|events|findings|gate_runs|coverage|artifacts|commits|training_runs|metrics|checkpoints, "row": object}',
    )
    expect(error.hint).toMatch(/ledger-fallback\.ndjson.*`ledger export`/)
  })
})

describe('importNdjson()', () => {
  test('a file that does not exist is a usage error that shows how to pass one', () => {
    const ledger = openLedger(join(dir, 'ledger.db'))
    const missing = join(dir, 'nope.ndjson')
    const error = userErrorFrom(() => importNdjson(ledger, missing))
    ledger.close()
    expect(error.code).toBe('NO_FILE')
    expect(error.message).toBe(`nothing to import: ${missing} does not exist`)
    expect(error.hint).toBe('pass the file: `npm run ledger -- import <file>`')
  })

  test('imports a fallback with a torn last line and leaves the ledger untouched on a bad record', () => {
    const ledger = openLedger(join(dir, 'ledger-2.db'))
    const event = (rid: string) =>
      JSON.stringify({ rid, table: 'events', row: { session_id: 's', ts: 't', role: 'tool', message: rid } })
    const file = join(dir, 'fallback.ndjson')
    writeFileSync(file, `${event('a')}\n${event('b')}\n{"rid":"c","tab`)
    expect(importNdjson(ledger, file)).toEqual({ read: 2, imported: 2 })
    writeFileSync(file, `${event('d')}\n{"rid":"e","table":"nope","row":{}}\n${event('f')}\n`)
    expect(() => importNdjson(ledger, file)).toThrow(`${file}:2: expected`)
    expect(ledger.all<{ message: string }>('SELECT message FROM events ORDER BY id').map((r) => r.message)).toEqual([
      'a',
      'b',
    ])
    ledger.close()
  })
})

describe('exportCsv()', () => {
  test('refuses a table that is not a ledger table and lists the ones it can export', () => {
    const ledger = openLedger(join(dir, 'ledger-3.db'))
    const error = userErrorFrom(() => exportCsv(ledger, 'sqlite_master'))
    ledger.close()
    expect(error.code).toBe('BAD_TABLE')
    expect(error.message).toBe('--table sqlite_master is not a ledger table')
    expect(error.hint).toBe(
      'choose one of: sessions, test_results, events, findings, gate_runs, coverage, artifacts, commits, training_runs, metrics, checkpoints',
    )
  })
})
