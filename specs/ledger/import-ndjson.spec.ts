import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { exportCsv, exportRecords, importNdjson, parseNdjson, parseRecords } from '../../src/ledger/import-ndjson.ts'
import type { Ledger } from '../../src/ledger/ledger.ts'
import { openLedger } from '../../src/ledger/open-ledger.ts'
import type { LedgerRecord } from '../../src/ledger/records.ts'
import { rawSqlite } from '../support/raw-sqlite.ts'
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

  test('a torn record anywhere (the next run appended after a crash) is skipped and listed; later ones are kept', () => {
    const [a, b, c] = ['a', 'b', 'c'].map((rid) => JSON.stringify({ rid, table: 'events', row: { message: rid } }))
    const torn = (b as string).slice(0, 25)
    expect(parseNdjson(`${a}\n${torn}\n${c}\n`, 'f.ndjson')).toEqual({
      records: [JSON.parse(a as string), JSON.parse(c as string)],
      lines: [1, 3],
      torn: [2],
    })
  })

  test('a record an older writer glued onto a torn one, on the same line, is still read', () => {
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((rid) =>
      JSON.stringify({ rid, table: 'events', row: { message: `{"rid":"x" ${rid}` } }),
    )
    const parsed = parseNdjson(`${a}\n${(b as string).slice(0, 30)}${c}\n${d}`, 'f.ndjson')
    expect(parsed.records.map((r) => r.rid)).toEqual(['a', 'c', 'd'])
    expect(parsed.lines).toEqual([1, 2, 3])
    expect(parsed.torn).toEqual([2])
  })

  test('property: records cut anywhere and followed by others, on fresh lines or glued on, lose only the cut ones', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(recordArb, fc.option(fc.nat()), fc.boolean()), { maxLength: 8 }), (items) => {
        let text = ''
        const kept: LedgerRecord[] = []
        for (const [record, cut, glue] of items) {
          const whole = JSON.stringify(record)
          if (cut === null) {
            text += `${whole}\n`
            kept.push(record)
          } else {
            text += whole.slice(0, 1 + (cut % (whole.length - 1)))
            if (!glue) text += '\n'
          }
        }
        expect(parseNdjson(text, 'f.ndjson').records).toEqual(kept)
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
    expect(importNdjson(ledger, file)).toEqual({ read: 2, imported: 2, torn: [3] })
    writeFileSync(file, `${event('d')}\n{"rid":"e","table":"nope","row":{}}\n${event('f')}\n`)
    expect(() => importNdjson(ledger, file)).toThrow(`${file}:2: expected`)
    expect(ledger.all<{ message: string }>('SELECT message FROM events ORDER BY id').map((r) => r.message)).toEqual([
      'a',
      'b',
    ])
    ledger.close()
  })
})

/** A ledger shaped like every other: one session with the same tests, events and a training run. */
function ledgerWithOneRun(name: string, sessionId: string): Ledger {
  const ledger = openLedger(join(dir, `${name}.db`), { reapAborted: false })
  const row = { session_id: sessionId, project: 'unit', file: 'a.spec.ts', state: 'passed' }
  ledger.write([
    { rid: `${name}-s`, table: 'sessions', row: { id: sessionId, kind: 'vitest', status: 'passed', started_at: 't' } },
    ...Array.from({ length: 30 }, (_, i) => ({
      rid: `${name}-t${i}`,
      table: 'test_results' as const,
      row: { ...row, name: `test ${i}` },
    })),
    { rid: `${name}-e`, table: 'events', row: { session_id: sessionId, ts: 't', role: 'tool', message: 'probe' } },
    { rid: `${name}-m`, table: 'metrics', row: { run_id: `${name}-run`, step: 1, name: 'loss', value: 2, ts: 0 } },
  ])
  return ledger
}

function exportTo(ledger: Ledger, file: string): string {
  writeFileSync(file, [...exportRecords(ledger)].map((r) => `${JSON.stringify(r)}\n`).join(''))
  return file
}

function counts(ledger: Ledger): Record<string, number> {
  const n = (table: string) => (ledger.get(`SELECT COUNT(*) AS n FROM ${table}`) as { n: number }).n
  return { sessions: n('sessions'), test_results: n('test_results'), events: n('events'), metrics: n('metrics') }
}

describe('exportRecords() → importNdjson()', () => {
  test("ids are globally unique: a second ledger's export is imported whole, once, sessions included", () => {
    const a = ledgerWithOneRun('a', 'session-a')
    const b = ledgerWithOneRun('b', 'session-b')
    const fromA = exportTo(a, join(dir, 'a.ndjson'))
    const fromB = exportTo(b, join(dir, 'b.ndjson'))
    const target = openLedger(join(dir, 'target.db'), { reapAborted: false })
    expect(importNdjson(target, fromA)).toMatchObject({ read: 33, imported: 33 })
    expect(importNdjson(target, fromB)).toMatchObject({ read: 33, imported: 33 })
    expect(importNdjson(target, fromA)).toMatchObject({ read: 33, imported: 0 })
    expect(importNdjson(target, fromB)).toMatchObject({ read: 33, imported: 0 })
    expect(counts(target)).toEqual({ sessions: 2, test_results: 60, events: 2, metrics: 2 })
    // No orphans: every result belongs to a session the target has.
    expect(
      target.get('SELECT COUNT(*) AS n FROM test_results WHERE session_id NOT IN (SELECT id FROM sessions)'),
    ).toEqual({ n: 0 })
    // A's export into B (twice) adds A's rows once.
    expect(importNdjson(b, fromA)).toMatchObject({ imported: 33 })
    expect(importNdjson(b, fromA)).toMatchObject({ imported: 0 })
    expect(counts(b)).toEqual({ sessions: 2, test_results: 60, events: 2, metrics: 2 })
    for (const ledger of [a, b, target]) ledger.close()
  })

  test("a ledger's own export imported into itself changes nothing (it used to double every result)", () => {
    const a = ledgerWithOneRun('self', 'session-self')
    const before = [...exportRecords(a)]
    expect(importNdjson(a, exportTo(a, join(dir, 'self.ndjson')))).toMatchObject({ read: 33, imported: 0 })
    expect(counts(a)).toEqual({ sessions: 1, test_results: 30, events: 1, metrics: 1 })
    // Export ids are stable: the same ledger exports the same ids every time.
    expect([...exportRecords(a)]).toEqual(before)
    // The record ids the writer was given are the rows' ids: a fallback replayed into the ledger
    // that already holds those rows adds nothing either.
    expect(before.filter((r) => r.table === 'test_results').map((r) => r.rid)).toEqual(
      Array.from({ length: 30 }, (_, i) => `self-t${i}`),
    )
    a.close()
  })

  test('rows written without an id (raw SQL, older code) get a unique one, exported and re-imported once', () => {
    const a = ledgerWithOneRun('raw', 'session-raw')
    const raw = rawSqlite(a.path)
    raw.exec("INSERT INTO events(session_id, ts, role, message) VALUES ('session-raw', 't', 'system', 'raw')")
    raw.close()
    const rids = a.all<{ rid: string | null }>('SELECT rid FROM events ORDER BY rowid').map((r) => r.rid)
    expect(rids).toEqual(['raw-e', expect.stringMatching(/^[0-9a-f]{32}$/)])
    const file = exportTo(a, join(dir, 'raw.ndjson'))
    expect(importNdjson(a, file)).toMatchObject({ imported: 0 })
    const other = openLedger(join(dir, 'raw-target.db'), { reapAborted: false })
    expect(importNdjson(other, file)).toMatchObject({ imported: 34 })
    expect(importNdjson(other, file)).toMatchObject({ imported: 0 })
    expect(counts(other)).toEqual({ sessions: 1, test_results: 30, events: 2, metrics: 1 })
    a.close()
    other.close()
  })
})

describe('exportRecords()', () => {
  test('a row whose id was cleared by hand is exported under an id made of its table and content, the same each time', () => {
    const a = ledgerWithOneRun('cleared', 'session-cleared')
    const raw = rawSqlite(a.path)
    raw.exec('UPDATE events SET rid = NULL')
    raw.close()
    const events = () => [...exportRecords(a)].filter((r) => r.table === 'events')
    const [event] = events()
    expect(event?.rid).toMatch(/^events:[0-9a-f]{16}$/)
    expect(event?.row).toEqual({
      session_id: 'session-cleared',
      ts: 't',
      role: 'tool',
      level: 'info',
      message: 'probe',
      data_json: null,
    })
    expect(events()).toEqual([event])
    a.close()
  })
})

/** RFC 4180 CSV read back: rows of cells (quoted cells may hold commas, quotes and line breaks). */
function readCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"'
      i++
    } else if (c === '"') {
      quoted = !quoted
    } else if (quoted || (c !== ',' && c !== '\n')) {
      cell += c
    } else {
      row.push(cell)
      cell = ''
      if (c === '\n') {
        rows.push(row)
        row = []
      }
    }
  }
  return rows
}

describe('exportCsv()', () => {
  test('a header of every column in schema order, then one line per row; null is an empty cell', () => {
    const ledger = openLedger(':memory:', { reapAborted: false })
    ledger.write([
      { rid: 'a', table: 'coverage', row: { session_id: 's', scope: 'all', lines_pct: 91.5 } },
      { rid: 'b', table: 'coverage', row: { session_id: 's', scope: 'src/ledger/**', branches_pct: 88 } },
    ])
    const csv = exportCsv(ledger, 'coverage')
    expect(csv).toBe(
      [
        'session_id,scope,lines_pct,branches_pct,functions_pct,statements_pct,report_path,git_branch,rid',
        's,all,91.5,,,,,,a',
        's,src/ledger/**,,88,,,,,b',
        '',
      ].join('\n'),
    )
    ledger.close()
  })

  test('property: any text in a cell (commas, quotes, line breaks) reads back as it was written', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r', ' ', 'é', "'") }), {
          minLength: 1,
          maxLength: 5,
        }),
        (messages) => {
          const ledger = openLedger(':memory:', { reapAborted: false })
          ledger.write(
            messages.map(
              (message, i): LedgerRecord => ({
                rid: `r${i}`,
                table: 'events',
                row: { session_id: 's', ts: 't', role: 'tool', message },
              }),
            ),
          )
          const [header, ...rows] = readCsv(exportCsv(ledger, 'events'))
          ledger.close()
          const at = (header as string[]).indexOf('message')
          expect(rows.map((r) => r[at])).toEqual(messages)
        },
      ),
      { numRuns: 200 },
    )
  })

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
