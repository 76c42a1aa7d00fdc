import { existsSync, lstatSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, test } from 'vitest'
import { UserError } from '../../src/foundation/errors/user-error.ts'
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/ledger/migrations.ts'
import { BUSY_TIMEOUT_MS, openLedger } from '../../src/ledger/open-ledger.ts'
import { rawSqlite } from '../support/raw-sqlite.ts'
import { tempDir } from '../support/temp-dir.ts'
import { userErrorFrom } from '../support/user-error.ts'

describe('openLedger()', () => {
  const dir = tempDir('open-ledger-')

  test('creates the schema, in WAL mode, at the current version', () => {
    const ledger = openLedger(join(dir, 'new', 'ledger.db'))
    expect(ledger.pragma('user_version')).toBe(SCHEMA_VERSION)
    expect(ledger.pragma('journal_mode')).toBe('wal')
    const tables = ledger
      .all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .map((t) => t.name)
    for (const t of [
      'sessions',
      'test_results',
      'events',
      'findings',
      'coverage',
      'artifacts',
      'training_runs',
      'metrics',
      'checkpoints',
    ]) {
      expect(tables).toContain(t)
    }
    ledger.close()
  })

  test("a session's gate runs, coverage and artifacts, and the assistant's events, are found by index, not by scanning every row", () => {
    const ledger = openLedger(join(dir, 'indexed', 'ledger.db'))
    for (const table of ['gate_runs', 'coverage', 'artifacts']) {
      const plan = ledger
        .all<{ detail: string }>(`EXPLAIN QUERY PLAN SELECT * FROM ${table} WHERE session_id = ?`, 's')
        .map((r) => r.detail)
        .join('; ')
      expect(plan).toContain(`USING INDEX ${table}_session (session_id=?)`)
    }
    const questions = ledger
      .all<{ detail: string }>("EXPLAIN QUERY PLAN SELECT * FROM events WHERE role = 'assistant'")
      .map((r) => r.detail)
    expect(questions.join('; ')).toContain('USING INDEX events_role (role=?)')
    ledger.close()
  })

  test('upgrades an older (version 0) file in place', () => {
    const path = join(dir, 'old.db')
    const raw = new Database(path)
    raw.exec('CREATE TABLE keep_me (x INTEGER); INSERT INTO keep_me VALUES (42)')
    raw.close()
    const ledger = openLedger(path)
    expect(ledger.pragma('user_version')).toBe(SCHEMA_VERSION)
    expect(ledger.get('SELECT x FROM keep_me')).toEqual({ x: 42 })
    ledger.close()
  })

  test('upgrades a version 1 ledger: each existing append-only row gets its own id, kept from then on', () => {
    const path = join(dir, 'v1.db')
    const raw = new Database(path)
    raw.pragma('journal_mode = WAL')
    raw.exec(MIGRATIONS[0] as string)
    raw.pragma('user_version = 1')
    const insert = raw.prepare("INSERT INTO test_results(session_id, name, state) VALUES ('s', ?, 'passed')")
    for (let i = 0; i < 50; i++) insert.run(`t${i}`)
    raw.close()
    const ledger = openLedger(path)
    const rids = ledger.all<{ rid: string }>('SELECT rid FROM test_results ORDER BY rowid').map((r) => r.rid)
    expect(rids).toHaveLength(50)
    expect(rids.every((rid) => /^[0-9a-f]{32}$/.test(rid))).toBe(true)
    expect(new Set(rids).size).toBe(50)
    ledger.close()
    const again = openLedger(path)
    expect(again.all<{ rid: string }>('SELECT rid FROM test_results ORDER BY rowid').map((r) => r.rid)).toEqual(rids)
    const other = rawSqlite(path)
    expect(() =>
      other.exec(`INSERT INTO test_results(session_id, name, state, rid) VALUES ('s', 'dup', 'passed', '${rids[0]}')`),
    ).toThrow(/UNIQUE constraint failed: test_results.rid/)
    other.close()
    again.close()
  })

  test('refuses a file written by newer code with a UserError that says what to do', () => {
    const path = join(dir, 'future.db')
    const raw = new Database(path)
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`)
    raw.close()
    let thrown: unknown
    try {
      openLedger(path)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(UserError)
    expect((thrown as UserError).message).toBe(
      `ledger ${path} has schema version ${SCHEMA_VERSION + 1}, but this codex-gates understands up to ${SCHEMA_VERSION}`,
    )
    expect((thrown as UserError).hint).toMatch(/npm ci/)
    expect((thrown as UserError).exitCode).toBe(2)
  })

  test('a corrupt file fails to open (the reporter then degrades to NDJSON)', () => {
    const path = join(dir, 'corrupt.db')
    writeFileSync(path, 'this is not a database, just text that is long enough to look like a header.....')
    expect(() => openLedger(path)).toThrow(/not a database/)
  })

  test('marks sessions left running by dead processes on this host as aborted, and only those', () => {
    const ledger = openLedger(join(dir, 'reap.db'))
    const host = 'this-host'
    const base = { kind: 'vitest', started_at: new Date().toISOString(), host }
    ledger.write([
      { rid: 'a', table: 'sessions', row: { ...base, id: 'dead', status: 'running', pid: 2 ** 22 + 12345 } },
      { rid: 'b', table: 'sessions', row: { ...base, id: 'alive', status: 'running', pid: process.pid } },
      {
        rid: 'c',
        table: 'sessions',
        row: { ...base, id: 'other-host', status: 'running', pid: 2 ** 22 + 12345, host: 'elsewhere' },
      },
      { rid: 'd', table: 'sessions', row: { ...base, id: 'done', status: 'passed', pid: 2 ** 22 + 12345 } },
    ])
    expect(ledger.reapAborted(host, -1)).toBe(1)
    expect(ledger.all('SELECT id, status FROM sessions ORDER BY id')).toEqual([
      { id: 'alive', status: 'running' },
      { id: 'dead', status: 'aborted' },
      { id: 'done', status: 'passed' },
      { id: 'other-host', status: 'running' },
    ])
    expect(ledger.get("SELECT message FROM events WHERE session_id = 'dead'")).toEqual({
      message: 'session aborted: its process ended without closing it',
    })
    ledger.close()
  })

  test('closes the training runs of aborted sessions too (SIGKILL left both running), and only those', () => {
    const ledger = openLedger(join(dir, 'reap-runs.db'))
    const host = 'this-host'
    const session = (id: string, status: string, pid: number) => ({
      rid: `s-${id}`,
      table: 'sessions' as const,
      row: { id, kind: 'train', status, started_at: 't', host, pid },
    })
    const run = (id: string, sessionId: string, status = 'running') => ({
      rid: `r-${id}`,
      table: 'training_runs' as const,
      row: { id, session_id: sessionId, status, started_at: 't' },
    })
    ledger.write([
      session('killed', 'running', 2 ** 22 + 12345),
      run('killed-run', 'killed'),
      session('alive', 'running', process.pid),
      run('alive-run', 'alive'),
      // Reaped by an older version, which left its run running.
      session('reaped-before', 'aborted', 2 ** 22 + 12346),
      run('stale-run', 'reaped-before'),
      session('finished', 'passed', 2 ** 22 + 12347),
      run('finished-run', 'finished', 'completed'),
    ])
    expect(ledger.reapAborted(host, -1)).toBe(1)
    expect(ledger.all('SELECT id, status, ended_at IS NOT NULL AS ended FROM training_runs ORDER BY id')).toEqual([
      { id: 'alive-run', status: 'running', ended: 0 },
      { id: 'finished-run', status: 'completed', ended: 0 },
      { id: 'killed-run', status: 'aborted', ended: 1 },
      { id: 'stale-run', status: 'aborted', ended: 1 },
    ])
    expect(ledger.reapAborted(host, -1)).toBe(0)
    ledger.close()
  })

  test('rejects a column that does not exist instead of dropping it silently', () => {
    const ledger = openLedger(join(dir, 'columns.db'))
    expect(() =>
      ledger.write([
        { rid: 'x', table: 'events', row: { session_id: 's', ts: 't', role: 'system', message: 'm', nope: 1 } },
      ]),
    ).toThrow('BUG: ledger table events has no column nope')
    ledger.close()
  })

  test('waits CODEX_LEDGER_BUSY_MS for a lock; a negative or non-numeric value falls back to the default', () => {
    const previous = process.env.CODEX_LEDGER_BUSY_MS
    const timeoutWith = (value: string | undefined) => {
      if (value === undefined) delete process.env.CODEX_LEDGER_BUSY_MS
      else process.env.CODEX_LEDGER_BUSY_MS = value
      const ledger = openLedger(join(dir, 'busy.db'))
      try {
        return ledger.pragma('busy_timeout')
      } finally {
        ledger.close()
      }
    }
    try {
      expect(timeoutWith('250')).toBe(250)
      expect(timeoutWith('0')).toBe(0)
      expect(timeoutWith('-5')).toBe(BUSY_TIMEOUT_MS)
      expect(timeoutWith('soon')).toBe(BUSY_TIMEOUT_MS)
      expect(timeoutWith('')).toBe(BUSY_TIMEOUT_MS) // empty means unset, not 0 ms
      expect(timeoutWith(undefined)).toBe(BUSY_TIMEOUT_MS)
    } finally {
      if (previous === undefined) delete process.env.CODEX_LEDGER_BUSY_MS
      else process.env.CODEX_LEDGER_BUSY_MS = previous
    }
  })

  test(':memory: gets the full schema and takes writes, without touching the disk', () => {
    const ledger = openLedger(':memory:')
    expect(ledger.pragma('user_version')).toBe(SCHEMA_VERSION)
    ledger.write([{ rid: 'a', table: 'metrics', row: { run_id: 'r', step: 1, name: 'loss', value: 2, ts: 0 } }])
    expect(ledger.get('SELECT value FROM metrics')).toEqual({ value: 2 })
    ledger.close()
    expect(existsSync(':memory:')).toBe(false)
  })

  test('readonly: reads without reaping or migrating, refuses writes, and never creates a file', () => {
    const path = join(dir, 'readonly.db')
    const writer = openLedger(path)
    const row = { kind: 'vitest', started_at: 't', host: 'h', status: 'running', pid: 2 ** 22 + 12345 }
    writer.write([{ rid: 's', table: 'sessions', row: { ...row, id: 's' } }])
    writer.close()
    const reader = openLedger(path, { readonly: true })
    expect(reader.all('SELECT id, status FROM sessions')).toEqual([{ id: 's', status: 'running' }])
    expect(() => reader.write([{ rid: 't', table: 'sessions', row: { ...row, id: 't' } }])).toThrow(/readonly/)
    reader.close()

    const missing = join(dir, 'not-there', 'ledger.db')
    expect(() => openLedger(missing, { readonly: true })).toThrow()
    expect(existsSync(join(dir, 'not-there'))).toBe(false)

    const future = join(dir, 'future-readonly.db')
    const raw = new Database(future)
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`)
    raw.close()
    expect(() => openLedger(future, { readonly: true })).toThrow(UserError)
  })

  test('a path that exists as a dangling link is not recreated over: the link is kept and its target built', () => {
    const target = join(dir, 'link-target.db')
    const link = join(dir, 'link.db')
    symlinkSync(target, link)
    // existsSync follows the link (false), so creation runs and loses the link race (EEXIST):
    // the ledger then opens through the link and migrates the target in place.
    const ledger = openLedger(link)
    expect(ledger.pragma('user_version')).toBe(SCHEMA_VERSION)
    ledger.close()
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    expect(existsSync(target)).toBe(true)
    expect(readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([])
  })

  test('a file name that leaves no room for the temp file it is built in: cannot open, naming the file; nothing left behind', () => {
    const folder = join(dir, 'long')
    // 240 bytes is a legal name; with `.tmp-<uuid>` (41 more) it is not (NAME_MAX 255).
    const path = join(folder, `${'l'.repeat(237)}.db`)
    const error = userErrorFrom(() => openLedger(path))
    expect(error.code).toBe('LEDGER_CANTOPEN')
    expect(error.message).toContain(`cannot open ledger ${path}`)
    expect(readdirSync(folder)).toEqual([])
  })

  test('a readonly open never creates the file, and says so as a file it cannot open', () => {
    const path = join(dir, 'absent-readonly.db')
    expect(userErrorFrom(() => openLedger(path, { readonly: true })).code).toBe('LEDGER_CANTOPEN')
    expect(existsSync(path)).toBe(false)
  })
})
