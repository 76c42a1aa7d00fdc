import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { UserError } from '../../src/foundation/errors/user-error.ts'
import type { Ledger } from '../../src/ledger/ledger.ts'
import { openLedger } from '../../src/ledger/open-ledger.ts'
import { LEDGER_TABLES, type LedgerRecord, type LedgerRow, type SqlValue } from '../../src/ledger/records.ts'
import { rawSqlite } from '../support/raw-sqlite.ts'
import { tempDir } from '../support/temp-dir.ts'

const TABLES = LEDGER_TABLES

/** Every row of every table, in rowid order (rowids included: batching must not reorder). */
function contents(ledger: Ledger): Record<string, unknown[]> {
  return Object.fromEntries(
    TABLES.map((t) => [t, ledger.all(`SELECT rowid AS __rowid, * FROM ${t} ORDER BY rowid`)] as const),
  )
}

/** The reference: one `insert` per record, as `write` did before batching. */
function writePerRow(ledger: Ledger, records: readonly LedgerRecord[]): void {
  for (const r of records) ledger.insert(r.table, r.row, r.rid)
}

/**
 * A row with undefined values. The type leaves them out, but rows assembled from optional fields
 * carry them at run time and `write` documents them as "leave the column alone".
 */
function loose(row: Record<string, SqlValue | undefined>): LedgerRow {
  return row as LedgerRow
}

function memoryLedger(): Ledger {
  return openLedger(':memory:', { reapAborted: false })
}

/**
 * A run of rows for one table: `length` rows that share which optional columns are set (so they
 * batch), except the `deviants`, whose optional columns flip (undefined where the others have a
 * value and the reverse), and, with `reorder`, every third row lists its columns in reverse order.
 */
interface Run {
  table: 'events' | 'metrics' | 'test_results' | 'gate_runs' | 'sessions' | 'commits'
  length: number
  optional: boolean[]
  deviants: number[]
  reorder: boolean
  seed: number
}

function rowOf(run: Run, i: number, serial: number): LedgerRow {
  const flip = run.deviants.some((d) => d % run.length === i)
  const has = (k: number) => (run.optional[k % run.optional.length] as boolean) !== flip
  const opt = <T>(k: number, value: T): T | undefined => (has(k) ? value : undefined)
  const n = run.seed + i
  let row: Record<string, SqlValue | undefined>
  switch (run.table) {
    case 'events':
      row = {
        session_id: `s${n % 3}`,
        ts: `2026-01-01T00:00:${String(n % 60).padStart(2, '0')}Z`,
        role: (['system', 'tool', 'assistant'] as const)[n % 3] as string,
        level: opt(0, n % 2 ? 'warn' : 'error'),
        message: `event ${serial}`,
        data_json: opt(1, n % 5 === 0 ? null : `{"n":${n}}`),
      }
      break
    case 'metrics':
      row = {
        run_id: `r${n % 2}`,
        step: BigInt(n),
        name: n % 2 ? 'loss' : 'lr',
        value: opt(0, n % 7 === 0 ? null : n / 8),
        is_nan: opt(1, n % 7 === 0 ? 1 : 0),
        ts: serial,
      }
      break
    case 'test_results':
      row = {
        session_id: `s${n % 3}`,
        project: opt(0, 'unit'),
        file: opt(1, `f${n % 4}.spec.ts`),
        name: `test ${serial}`,
        state: (['passed', 'failed', 'skipped', 'todo'] as const)[n % 4] as string,
        duration_ms: opt(2, n * 1.5),
        retry_count: opt(3, n % 2),
        error: opt(0, n % 4 === 1 ? `Error ${n}\n  at x` : null),
      }
      break
    case 'gate_runs':
      row = {
        session_id: `s${n % 3}`,
        gate: `gate-${n % 5}`,
        status: (['passed', 'failed', 'cached', 'skipped'] as const)[n % 4] as string,
        cache_key: opt(0, `k${n}`),
        duration_ms: opt(1, n),
        findings_count: opt(2, n % 3),
        reason: opt(3, null),
      }
      break
    case 'sessions':
      // Few ids, so later rows upsert earlier ones; an undefined column must leave the old value.
      row = {
        id: `sess-${n % 4}`,
        kind: n % 2 ? 'vitest' : 'train',
        status: (['running', 'passed', 'failed'] as const)[n % 3] as string,
        started_at: `2026-01-0${1 + (n % 9)}T00:00:00Z`,
        ended_at: opt(0, `2026-02-01T00:00:${String(serial % 60).padStart(2, '0')}Z`),
        tests_total: opt(1, serial),
        git_sha: opt(2, n % 3 ? `sha${n}` : null),
        duration_ms: opt(3, serial / 3),
      }
      break
    case 'commits':
      row = {
        sha: `c${n % 3}`,
        linked_at: `t${serial}`,
        tree: opt(0, `tree${n}`),
        session_id: opt(1, n % 2 ? null : `s${n}`),
        bypass: opt(2, n % 2),
      }
      break
  }
  if (run.reorder && i % 3 === 2) row = Object.fromEntries(Object.entries(row).reverse())
  return loose(row)
}

function recordsOf(runs: readonly Run[]): LedgerRecord[] {
  const out: LedgerRecord[] = []
  for (const run of runs) {
    for (let i = 0; i < run.length; i++) {
      out.push({ rid: `rid-${out.length}`, table: run.table, row: rowOf(run, i, out.length) })
    }
  }
  return out
}

const runArb: fc.Arbitrary<Run> = fc.record({
  table: fc.constantFrom('events', 'metrics', 'test_results', 'gate_runs', 'sessions', 'commits'),
  // Short runs, and runs around and past ROWS_PER_STATEMENT (64) and its multiples.
  length: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 60, max: 200 })),
  optional: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  deviants: fc.array(fc.nat(), { maxLength: 3 }),
  reorder: fc.boolean(),
  seed: fc.nat({ max: 1000 }),
})

describe('Ledger.write()', () => {
  test('property: any mixed record stream lands exactly as one insert per record would put it', () => {
    fc.assert(
      fc.property(fc.array(runArb, { maxLength: 7 }), (runs) => {
        const records = recordsOf(runs)
        const batched = memoryLedger()
        const reference = memoryLedger()
        try {
          expect(batched.write(records)).toBe(records.length)
          writePerRow(reference, records)
          expect(contents(batched)).toEqual(contents(reference))
        } finally {
          batched.close()
          reference.close()
        }
      }),
      { numRuns: 60 },
    )
  })

  test('a 200-row run split by an undefined value and an upsert lands row for row, in order', () => {
    const ledger = memoryLedger()
    const metric = (step: number, value: number | undefined): LedgerRecord => ({
      rid: `m${step}`,
      table: 'metrics',
      row: loose({ run_id: 'r', step, name: 'loss', value, ts: step }),
    })
    const records: LedgerRecord[] = [
      { rid: 's1', table: 'sessions', row: { id: 's', kind: 'train', status: 'running', started_at: 't0', pid: 7 } },
      ...Array.from({ length: 130 }, (_, i) => metric(i, i / 2)),
      metric(130, undefined), // no value: the column keeps its default (NULL)
      {
        rid: 's2',
        table: 'sessions',
        row: loose({ id: 's', kind: 'train', status: 'passed', started_at: 't0', pid: undefined }),
      },
      ...Array.from({ length: 69 }, (_, i) => metric(131 + i, 1)),
    ]
    expect(ledger.write(records)).toBe(202)
    const rows = ledger.all<{ step: number; value: number | null }>('SELECT step, value FROM metrics ORDER BY rowid')
    expect(rows.map((r) => r.step)).toEqual(Array.from({ length: 200 }, (_, i) => i))
    expect(rows[129]).toEqual({ step: 129, value: 64.5 })
    expect(rows[130]).toEqual({ step: 130, value: null })
    expect(rows[199]).toEqual({ step: 199, value: 1 })
    // The second sessions row upserted the first; its undefined pid left the stored one alone.
    expect(ledger.all('SELECT id, status, pid FROM sessions')).toEqual([{ id: 's', status: 'passed', pid: 7 }])
    ledger.close()
  })

  test('a bad row in the third chunk of a run rolls back the whole call, earlier chunks and tables included', () => {
    const ledger = memoryLedger()
    const result = (i: number): LedgerRecord => ({
      rid: `t${i}`,
      table: 'test_results',
      row: { session_id: 's', name: `t${i}`, state: i === 170 ? 'exploded' : 'passed' },
    })
    const records: LedgerRecord[] = [
      { rid: 'e', table: 'events', row: { session_id: 's', ts: 't', role: 'system', message: 'before' } },
      ...Array.from({ length: 200 }, (_, i) => result(i)),
    ]
    expect(() => ledger.write(records)).toThrow(/CHECK constraint failed/)
    expect(ledger.get('SELECT COUNT(*) AS n FROM test_results')).toEqual({ n: 0 })
    expect(ledger.get('SELECT COUNT(*) AS n FROM events')).toEqual({ n: 0 })
    // The ledger is still usable afterwards.
    expect(ledger.write(records.filter((r) => r.rid !== 't170'))).toBe(200)
    expect(ledger.get('SELECT COUNT(*) AS n FROM test_results')).toEqual({ n: 199 })
    ledger.close()
  })

  test('names an unknown column whether the row comes alone or inside a batched run', () => {
    const ledger = memoryLedger()
    const event = (i: number, extra: Record<string, string> = {}): LedgerRecord => ({
      rid: `e${i}`,
      table: 'events',
      row: { session_id: 's', ts: 't', role: 'system', message: `m${i}`, ...extra },
    })
    const run = Array.from({ length: 100 }, (_, i) => event(i, { colour: 'red' }))
    expect(() => ledger.write(run)).toThrow('BUG: ledger table events has no column colour')
    expect(ledger.get('SELECT COUNT(*) AS n FROM events')).toEqual({ n: 0 })
    ledger.close()
  })

  test('a keyed row that carries nothing but its key is refused, not silently dropped', () => {
    const ledger = memoryLedger()
    ledger.write([{ rid: 'c1', table: 'commits', row: { sha: 'abc', linked_at: 't' } }])
    // Only the key: the upsert has nothing to update (DO NOTHING), and the insert lacks linked_at.
    expect(() => ledger.write([{ rid: 'c2', table: 'commits', row: { sha: 'abc' } }])).toThrow(
      'NOT NULL constraint failed: commits.linked_at',
    )
    expect(ledger.all('SELECT sha, linked_at FROM commits')).toEqual([{ sha: 'abc', linked_at: 't' }])
    ledger.close()
  })

  test('importing skips records already imported, by rid, and counts only the new ones', () => {
    const ledger = memoryLedger()
    const event = (rid: string): LedgerRecord => ({
      rid,
      table: 'events',
      row: { session_id: 's', ts: 't', role: 'tool', message: rid },
    })
    expect(ledger.write([event('a'), event('b')], { importing: true })).toBe(2)
    expect(ledger.write([event('b'), event('c'), event('a')], { importing: true })).toBe(1)
    expect(ledger.all<{ message: string }>('SELECT message FROM events ORDER BY id').map((r) => r.message)).toEqual([
      'a',
      'b',
      'c',
    ])
    ledger.close()
  })

  test('a ledger missing a table says so and names the command that repairs it', () => {
    const path = join(tempDir('ledger-write-'), 'ledger.db')
    openLedger(path).close()
    const raw = rawSqlite(path)
    raw.exec('DROP TABLE gate_runs')
    raw.close()
    const ledger = openLedger(path)
    let thrown: unknown
    try {
      ledger.write([{ rid: 'g', table: 'gate_runs', row: { session_id: 's', gate: 'secrets', status: 'passed' } }])
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(UserError)
    expect(thrown).toMatchObject({
      code: 'LEDGER_TABLE',
      message: `ledger ${path} has no table gate_runs`,
      hint: 'run `npm run ledger -- migrate`',
    })
    ledger.close()
    ledger.close() // closing twice is harmless (reporters close on every exit path)
    expect(ledger.isOpen).toBe(false)
  })
})

describe('Ledger.pragma() and Ledger.vacuum()', () => {
  test('pragma reads a pragma by name and refuses anything that could set one', () => {
    const ledger = openLedger(':memory:', { reapAborted: false })
    expect(ledger.pragma('journal_mode')).toBe('memory')
    expect(() => ledger.pragma('user_version = 99')).toThrow(
      'BUG: Ledger.pragma reads a pragma by name; got "user_version = 99"',
    )
    expect(ledger.pragma('user_version')).not.toBe(99)
    ledger.close()
  })

  test('vacuum gives the pages of deleted rows back, keeping every other row', () => {
    const path = join(tempDir('ledger-vacuum-'), 'ledger.db')
    const ledger = openLedger(path, { reapAborted: false })
    const big = 'x'.repeat(2000)
    ledger.write(
      Array.from(
        { length: 500 },
        (_, i): LedgerRecord => ({
          rid: `e${i}`,
          table: 'events',
          row: { session_id: 's', ts: 't', role: 'tool', message: i < 450 ? big : `keep ${i}` },
        }),
      ),
    )
    const raw = rawSqlite(path)
    raw.exec("DELETE FROM events WHERE message NOT LIKE 'keep %'")
    raw.close()
    const pages = () => ledger.pragma('page_count') as number
    const before = pages()
    ledger.vacuum()
    expect(pages()).toBeLessThan(before / 4)
    expect(ledger.get('SELECT COUNT(*) AS n FROM events')).toEqual({ n: 50 })
    ledger.close()
  })
})

describe('Ledger masking', () => {
  const ghp = `ghp_${'Zx81Aq1fEbVId8woPeX9'}${'PcWk2LmN3pQr4sTu'}`
  const envSecret = ['env"Sec', 'ret\\42x'].join('')
  const leaky = `DEPLOY_TOKEN=abcdef123456 ${ghp} ${envSecret}`
  const leaks = (ledger: Ledger) => {
    const text = JSON.stringify(TABLES.map((t) => ledger.all(`SELECT * FROM ${t}`)))
    return ['abcdef123456', ghp.slice(4), envSecret, JSON.stringify(envSecret).slice(1, -1)].filter((s) =>
      text.includes(s),
    )
  }
  const rows = (): LedgerRecord[] => [
    {
      rid: `s-${leaky}`,
      table: 'sessions',
      row: {
        id: `id ${ghp}`,
        kind: 'train',
        status: 'running',
        argv: JSON.stringify(['--token', leaky]),
        started_at: 'now',
        host: 'h',
        pid: 2 ** 30,
      },
    },
    {
      rid: 'r',
      table: 'training_runs',
      row: {
        id: `tok-${ghp}`,
        config_json: JSON.stringify({ out_dir: `runs/tok-${ghp}`, note: leaky }),
        out_dir: `/x/tok-${ghp}`,
        status: 'failed',
      },
    },
    {
      rid: 'e',
      table: 'events',
      row: {
        session_id: `id ${ghp}`,
        ts: 't',
        role: 'tool',
        message: leaky,
        data_json: JSON.stringify({ out: `line\n${leaky}` }),
      },
    },
    { rid: 'm', table: 'metrics', row: { run_id: `tok-${ghp}`, step: 1, name: 'loss', value: 1, ts: 1 } },
  ]

  test('every string of every row is masked on its way in: write, import and insert alike', () => {
    for (const fill of [
      (l: Ledger) => l.write(rows()),
      (l: Ledger) => l.write(rows(), { importing: true }),
      (l: Ledger) => {
        for (const r of rows()) l.insert(r.table, r.row)
      },
    ]) {
      const ledger = openLedger(':memory:', { reapAborted: false, secrets: [envSecret] })
      fill(ledger)
      expect(leaks(ledger)).toEqual([])
      // Masking is deterministic: the run's rows still join on the masked id.
      expect(ledger.get('SELECT COUNT(*) AS n FROM metrics m JOIN training_runs r ON r.id = m.run_id')).toEqual({
        n: 1,
      })
      ledger.close()
    }
  })

  test('the read methods cannot write: no row reaches the file but through the masking writer', () => {
    const ledger = openLedger(':memory:', { reapAborted: false })
    const insert = "INSERT INTO events(session_id, ts, role, message) VALUES ('s', 't', 'tool', 'raw')"
    expect(() => ledger.all(insert)).toThrow(/does not return data/)
    expect(() => ledger.get(insert)).toThrow(/does not return data/)
    expect(() => [...ledger.iterate(insert)]).toThrow(/does not return data/)
    expect(() => ledger.tableColumns(`events); ${insert}; --`)).toThrow()
    expect(() => ledger.pragma('user_version = 9')).toThrow(/reads a pragma by name/)
    expect(ledger.get('SELECT COUNT(*) AS n FROM events')).toEqual({ n: 0 })
    expect('db' in ledger).toBe(false)
    ledger.close()
  })

  test('reaping an aborted session writes its note through the same masking path', () => {
    const path = join(tempDir('ledger-mask-'), 'ledger.db')
    const ledger = openLedger(path, { reapAborted: false, secrets: [envSecret] })
    ledger.write(rows())
    expect(ledger.reapAborted('h', process.pid)).toBe(1)
    expect(ledger.get<{ status: string }>('SELECT status FROM sessions')?.status).toBe('aborted')
    expect(leaks(ledger)).toEqual([])
    ledger.close()
  })
})
