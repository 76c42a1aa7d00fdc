import type Database from 'better-sqlite3'
import { UserError } from '../foundation/errors/user-error.ts'
import { processAlive } from '../foundation/process/process-alive.ts'
import { secretEnvValues } from '../foundation/redact/env-secrets.ts'
import { maskText } from '../foundation/redact/mask-value.ts'
import { type LedgerRecord, type LedgerRow, type LedgerTable, type SqlValue, UPSERT_KEYS } from './records.ts'

/** Rows per multi-row INSERT: past ~64 the statement gets longer without getting faster. */
const ROWS_PER_STATEMENT = 64
/** Stay far below SQLite's bound-parameter limit (32,766 in the bundled SQLite). */
const MAX_PARAMETERS = 999

/** The reading half of a ledger: what queries and reports need. */
export interface LedgerReads {
  all<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[]
  get<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T | undefined
}

/**
 * An open ledger. Writes go through `write(records)`: one transaction per call, rows checked
 * against the table's real columns, keyed tables upserted, and every string value masked
 * (`maskText`: secrets shown as their first 4 characters and length) on its way in. The
 * database handle is private, so no row reaches the file any other way.
 */
export class Ledger implements LedgerReads {
  readonly path: string
  readonly #db: Database.Database
  private readonly columns = new Map<string, Set<string>>()
  private readonly statements = new Map<string, Database.Statement>()
  /** Secret env values, read once: a ledger lives for one run. */
  private readonly secrets: readonly string[]

  constructor(db: Database.Database, path: string, secrets: readonly string[] = secretEnvValues()) {
    this.#db = db
    this.path = path
    this.secrets = secrets
  }

  /**
   * Writes all records in one transaction. With `importing`, records already imported are skipped.
   * Consecutive rows for one append-only table with the same columns go in as multi-row INSERTs
   * (`npm run bench -- ledger` measures the gain): one statement per up to ROWS_PER_STATEMENT rows.
   */
  write(records: readonly LedgerRecord[], options: { importing?: boolean } = {}): number {
    let written = 0
    const now = new Date().toISOString()
    this.#db
      .transaction(() => {
        if (!options.importing) {
          this.insertRuns(records)
          written = records.length
          return
        }
        for (const record of records) {
          const fresh = this.statement('INSERT OR IGNORE INTO imported_records(rid, imported_at) VALUES (?, ?)').run(
            this.mask(record.rid),
            now,
          )
          if (fresh.changes === 0) continue
          this.insert(record.table, record.row)
          written++
        }
      })
      .immediate()
    return written
  }

  /** Inserts one row (upserting keyed tables), masked; statements are cached per table and column set. */
  insert(table: LedgerTable, row: LedgerRow): void {
    const keys = definedKeys(row)
    this.prepared(table, keys, 1).run(keys.map((key) => this.mask(row[key])))
  }

  /** Marks sessions left `running` on this host by processes that no longer exist as `aborted`. */
  reapAborted(host: string, selfPid: number): number {
    const running = this.all<{ id: string; pid: number }>(
      "SELECT id, pid FROM sessions WHERE status = 'running' AND host = ? AND pid IS NOT NULL",
      host,
    )
    const dead = running.filter((s) => s.pid !== selfPid && !processAlive(s.pid))
    if (dead.length === 0) return 0
    const now = new Date().toISOString()
    // Only constants and values read back from the ledger go in here; the note goes through insert.
    const mark = this.#db.prepare(
      "UPDATE sessions SET status = 'aborted', ended_at = ? WHERE id = ? AND status = 'running'",
    )
    this.#db.transaction(() => {
      for (const s of dead) {
        mark.run(now, s.id)
        this.insert('events', {
          session_id: s.id,
          ts: now,
          role: 'system',
          level: 'warn',
          message: 'session aborted: its process ended without closing it',
          data_json: JSON.stringify({ pid: s.pid }),
        })
      }
    })()
    return dead.length
  }

  /** Runs a read query; rows as plain objects. */
  all<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[] {
    return this.#db.prepare(sql).all(...params) as T[]
  }

  get<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T | undefined {
    return this.#db.prepare(sql).get(...params) as T | undefined
  }

  /** Runs a read query row by row (for exports that must not hold a whole table in memory). */
  iterate<T = Record<string, unknown>>(sql: string, ...params: unknown[]): IterableIterator<T> {
    return this.#db.prepare(sql).iterate(...params) as IterableIterator<T>
  }

  /** A pragma's value (`user_version`, `journal_mode`, `busy_timeout`); reading only, never setting. */
  pragma(name: string): unknown {
    if (!/^\w+$/.test(name)) throw new Error(`BUG: Ledger.pragma reads a pragma by name; got "${name}"`)
    return this.#db.pragma(name, { simple: true })
  }

  /** The table's column names, in schema order. */
  tableColumns(table: string): string[] {
    return (this.#db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name)
  }

  /** Checkpoints the WAL and compacts the file. */
  vacuum(): void {
    this.#db.pragma('wal_checkpoint(TRUNCATE)')
    this.#db.exec('VACUUM')
  }

  get isOpen(): boolean {
    return this.#db.open
  }

  close(): void {
    if (this.#db.open) this.#db.close()
  }

  /** Groups consecutive same-table, same-columns rows and inserts each group in chunks. */
  private insertRuns(records: readonly LedgerRecord[]): void {
    let start = 0
    while (start < records.length) {
      const first = records[start] as LedgerRecord
      const keys = definedKeys(first.row)
      let end = start + 1
      if (!UPSERT_KEYS[first.table]) {
        while (end < records.length) {
          const next = records[end] as LedgerRecord
          if (next.table !== first.table || !hasKeys(next.row, keys)) break
          end++
        }
      }
      this.insertGroup(first.table, keys, records, start, end)
      start = end
    }
  }

  private insertGroup(
    table: LedgerTable,
    keys: string[],
    records: readonly LedgerRecord[],
    start: number,
    end: number,
  ): void {
    const width = keys.length
    const perStatement = Math.max(1, Math.min(ROWS_PER_STATEMENT, Math.floor(MAX_PARAMETERS / Math.max(1, width))))
    let full: Database.Statement | undefined
    const values: unknown[] = new Array(perStatement * width)
    for (let from = start; from < end; from += perStatement) {
      const count = Math.min(perStatement, end - from)
      if (count < perStatement) values.length = count * width
      let v = 0
      for (let i = from; i < from + count; i++) {
        const row = (records[i] as LedgerRecord).row
        for (let k = 0; k < width; k++) values[v++] = this.mask(row[keys[k] as string])
      }
      if (count === perStatement) {
        full ??= this.prepared(table, keys, count)
        full.run(values)
      } else {
        this.prepared(table, keys, count).run(values)
      }
    }
  }

  private prepared(table: LedgerTable, keys: string[], rows: number): Database.Statement {
    const cacheKey = `${table}|${keys.join(',')}|${rows}`
    let statement = this.statements.get(cacheKey)
    if (!statement) {
      statement = this.#db.prepare(this.insertSql(table, keys, rows))
      this.statements.set(cacheKey, statement)
    }
    return statement
  }

  private insertSql(table: LedgerTable, keys: string[], rows: number): string {
    const known = this.columnsOf(table)
    for (const key of keys) {
      if (!known.has(key)) throw new Error(`BUG: ledger table ${table} has no column ${key}`)
    }
    const tuple = `(${keys.map(() => '?').join(', ')})`
    let sql = `INSERT INTO ${table} (${keys.join(', ')}) VALUES ${Array.from({ length: rows }, () => tuple).join(', ')}`
    const conflictKey = UPSERT_KEYS[table]
    if (conflictKey) {
      const updates = keys.filter((k) => k !== conflictKey).map((k) => `${k} = excluded.${k}`)
      sql += updates.length
        ? ` ON CONFLICT(${conflictKey}) DO UPDATE SET ${updates.join(', ')}`
        : ` ON CONFLICT(${conflictKey}) DO NOTHING`
    }
    return sql
  }

  private columnsOf(table: LedgerTable): Set<string> {
    let set = this.columns.get(table)
    if (!set) {
      const info = this.tableColumns(table)
      if (info.length === 0)
        throw new UserError(
          'LEDGER_TABLE',
          `ledger ${this.path} has no table ${table}`,
          'run `npm run ledger -- migrate`',
        )
      set = new Set(info)
      this.columns.set(table, set)
    }
    return set
  }

  /** Every value on its way into the file: strings masked, numbers and nulls as they are. */
  private mask(value: SqlValue | undefined): SqlValue | undefined {
    return typeof value === 'string' ? maskText(value, this.secrets) : value
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql)
    if (!statement) {
      statement = this.#db.prepare(sql)
      this.statements.set(sql, statement)
    }
    return statement
  }
}

/** The row's columns that have a value (undefined means "leave the column alone"). */
function definedKeys(row: LedgerRow): string[] {
  const keys: string[] = []
  for (const key in row) if (row[key] !== undefined) keys.push(key)
  return keys
}

/** True when the row's defined columns are exactly `keys`, in that order (no allocation). */
function hasKeys(row: LedgerRow, keys: readonly string[]): boolean {
  let k = 0
  for (const key in row) {
    if (row[key] === undefined) continue
    if (key !== keys[k]) return false
    k++
  }
  return k === keys.length
}
