import type Database from 'better-sqlite3'
import { userCommand } from '../foundation/cli/user-command.ts'
import { errorMessage, UserError } from '../foundation/errors/user-error.ts'
import { processAlive } from '../foundation/process/process-alive.ts'
import { secretEnvValues } from '../foundation/redact/env-secrets.ts'
import { maskText } from '../foundation/redact/mask-value.ts'
import { newRecordId } from './record-id.ts'
import { carriesRid, type LedgerRecord, type LedgerRow, type LedgerTable, UPSERT_KEYS } from './records.ts'

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
  /** Secret env values, read once: a ledger lives for one run. */
  private readonly secrets: readonly string[]
  private readonly columns = new Map<string, Set<string>>()
  private readonly columnInfos = new Map<string, ColumnInfo[]>()
  private readonly statements = new Map<string, Database.Statement>()

  constructor(db: Database.Database, path: string, secrets: readonly string[] = secretEnvValues()) {
    this.#db = db
    this.path = path
    this.secrets = secrets
  }

  /**
   * Writes all records in one transaction. With `importing`, records already imported (by `rid`)
   * are skipped, an append-only row whose `rid` the ledger already holds is not added again, and
   * a keyed row identical to the stored one changes nothing; the count is of records that changed
   * the ledger. A record that the ledger refuses while importing throws a RecordWriteError naming it.
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
        const mark = this.statement('INSERT OR IGNORE INTO imported_records(rid, imported_at) VALUES (?, ?)')
        for (let i = 0; i < records.length; i++) {
          const record = records[i] as LedgerRecord
          try {
            if (mark.run(record.rid, now).changes === 0) continue
            if (this.insert(record.table, record.row, record.rid, 'import') > 0) written++
          } catch (error) {
            throw new RecordWriteError(i, record, error)
          }
        }
      })
      .immediate()
    return written
  }

  /**
   * Inserts one row (upserting keyed tables); `rid` is the row's id in append-only tables (a
   * random one when absent). Statements are cached per table, column set and mode. Returns the
   * number of rows changed (0 when importing a row the ledger already has).
   */
  insert(table: LedgerTable, row: LedgerRow, rid?: string, mode: 'write' | 'import' = 'write'): number {
    const withRid = carriesRid(table) && rid !== undefined
    const keys = definedKeys(row, withRid)
    const values = keys.map((key) => this.mask(row[key]))
    if (withRid) {
      keys.push('rid')
      values.push(rid)
    }
    return this.prepared(table, keys, 1, mode).run(values).changes
  }

  /** The table's columns as SQLite declares them (cached). */
  columnInfo(table: LedgerTable): readonly ColumnInfo[] {
    let info = this.columnInfos.get(table)
    if (!info) {
      info = this.#db.prepare(`PRAGMA table_info(${table})`).all() as ColumnInfo[]
      if (info.length === 0)
        throw new UserError(
          'LEDGER_TABLE',
          `ledger ${this.path} has no table ${table}`,
          `run \`${userCommand('ledger migrate')}\``,
        )
      this.columnInfos.set(table, info)
    }
    return info
  }

  /**
   * Marks sessions left `running` on this host by processes that no longer exist as `aborted`,
   * and closes the training runs of aborted sessions that still say `running` (SIGKILL leaves
   * both). Writes only when there is something to reap: opening stays lock-free otherwise.
   */
  reapAborted(host: string, selfPid: number): number {
    const running = this.#db
      .prepare("SELECT id, pid FROM sessions WHERE status = 'running' AND host = ? AND pid IS NOT NULL")
      .all(host) as { id: string; pid: number }[]
    const dead = running.filter((s) => s.pid !== selfPid && !processAlive(s.pid))
    const orphanRuns = `FROM training_runs WHERE status = 'running'
       AND session_id IN (SELECT id FROM sessions WHERE status = 'aborted')`
    if (dead.length === 0 && !this.#db.prepare(`SELECT 1 ${orphanRuns} LIMIT 1`).get()) return 0
    const now = new Date().toISOString()
    const mark = this.#db.prepare(
      "UPDATE sessions SET status = 'aborted', ended_at = ? WHERE id = ? AND status = 'running'",
    )
    this.#db.transaction(() => {
      for (const s of dead) {
        mark.run(now, s.id)
        this.insert(
          'events',
          {
            session_id: s.id,
            ts: now,
            role: 'system',
            level: 'warn',
            message: 'session aborted: its process ended without closing it',
            data_json: JSON.stringify({ pid: s.pid }),
          },
          newRecordId(),
        )
      }
      this.#db
        .prepare(
          `UPDATE training_runs SET status = 'aborted', ended_at = COALESCE(ended_at, ?) WHERE rowid IN (SELECT rowid ${orphanRuns})`,
        )
        .run(now)
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
      const withRid = carriesRid(first.table)
      const keys = definedKeys(first.row, withRid)
      let end = start + 1
      if (!UPSERT_KEYS[first.table]) {
        while (end < records.length) {
          const next = records[end] as LedgerRecord
          if (next.table !== first.table || !hasKeys(next.row, keys, withRid)) break
          end++
        }
      }
      this.insertGroup(first.table, keys, withRid, records, start, end)
      start = end
    }
  }

  /** Rows `start..end` of one table and column set; append-only rows get their record's rid last. */
  private insertGroup(
    table: LedgerTable,
    rowKeys: string[],
    withRid: boolean,
    records: readonly LedgerRecord[],
    start: number,
    end: number,
  ): void {
    const keys = withRid ? [...rowKeys, 'rid'] : rowKeys
    const width = keys.length
    const rowWidth = rowKeys.length
    const perStatement = Math.max(1, Math.min(ROWS_PER_STATEMENT, Math.floor(MAX_PARAMETERS / Math.max(1, width))))
    let full: Database.Statement | undefined
    const values: unknown[] = new Array(perStatement * width)
    for (let from = start; from < end; from += perStatement) {
      const count = Math.min(perStatement, end - from)
      if (count < perStatement) values.length = count * width
      let v = 0
      for (let i = from; i < from + count; i++) {
        const record = records[i] as LedgerRecord
        const row = record.row
        for (let k = 0; k < rowWidth; k++) values[v++] = this.mask(row[rowKeys[k] as string])
        if (withRid) values[v++] = record.rid
      }
      if (count === perStatement) {
        full ??= this.prepared(table, keys, count, 'write')
        full.run(values)
      } else {
        this.prepared(table, keys, count, 'write').run(values)
      }
    }
  }

  private prepared(table: LedgerTable, keys: string[], rows: number, mode: 'write' | 'import'): Database.Statement {
    const cacheKey = `${table}|${keys.join(',')}|${rows}|${mode}`
    let statement = this.statements.get(cacheKey)
    if (!statement) {
      statement = this.#db.prepare(this.insertSql(table, keys, rows, mode))
      this.statements.set(cacheKey, statement)
    }
    return statement
  }

  /**
   * The INSERT for `rows` rows of `keys`. Keyed tables upsert; when importing, an upsert that would
   * change nothing is skipped (so it counts 0) and an append-only row whose rid exists is ignored.
   */
  private insertSql(table: LedgerTable, keys: string[], rows: number, mode: 'write' | 'import'): string {
    const known = this.columnsOf(table)
    for (const key of keys) {
      if (!known.has(key)) throw new Error(`BUG: ledger table ${table} has no column ${key}`)
    }
    const tuple = `(${keys.map(() => '?').join(', ')})`
    let sql = `INSERT INTO ${table} (${keys.join(', ')}) VALUES ${Array.from({ length: rows }, () => tuple).join(', ')}`
    const conflictKey = UPSERT_KEYS[table]
    if (conflictKey) {
      const others = keys.filter((k) => k !== conflictKey)
      if (others.length === 0) return `${sql} ON CONFLICT(${conflictKey}) DO NOTHING`
      sql += ` ON CONFLICT(${conflictKey}) DO UPDATE SET ${others.map((k) => `${k} = excluded.${k}`).join(', ')}`
      if (mode === 'import')
        sql += ` WHERE (${others.map((k) => `${table}.${k}`).join(', ')}) IS NOT (${others.map((k) => `excluded.${k}`).join(', ')})`
    } else if (mode === 'import' && keys.includes('rid')) {
      sql += ' ON CONFLICT(rid) DO NOTHING'
    }
    return sql
  }

  private columnsOf(table: LedgerTable): Set<string> {
    let set = this.columns.get(table)
    if (!set) {
      set = new Set(this.columnInfo(table).map((c) => c.name))
      this.columns.set(table, set)
    }
    return set
  }

  /** Every value on its way into the file: strings masked, numbers and nulls as they are. */
  private mask(value: unknown): unknown {
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

/** A column as `PRAGMA table_info` describes it. */
export interface ColumnInfo {
  name: string
  type: string
  notnull: number
  dflt_value: string | null
  pk: number
}

/** A record the ledger refused while importing: `index` is its position in the batch. */
export class RecordWriteError extends Error {
  readonly index: number
  readonly record: LedgerRecord

  constructor(index: number, record: LedgerRecord, cause: unknown) {
    super(`record ${index} (${record.table}): ${errorMessage(cause)}`, { cause })
    this.name = 'RecordWriteError'
    this.index = index
    this.record = record
  }
}

// --- internal ---

/**
 * The row's columns that have a value (undefined means "leave the column alone"); in append-only
 * tables (`withRid`) a `rid` in the row is left out: the record's rid is the row's id.
 */
function definedKeys(row: LedgerRow, withRid: boolean): string[] {
  const keys: string[] = []
  for (const key in row) if (row[key] !== undefined && !(withRid && key === 'rid')) keys.push(key)
  return keys
}

/** True when the row's defined columns are exactly `keys`, in that order (no allocation). */
function hasKeys(row: LedgerRow, keys: readonly string[], withRid: boolean): boolean {
  let k = 0
  for (const key in row) {
    if (row[key] === undefined || (withRid && key === 'rid')) continue
    if (key !== keys[k]) return false
    k++
  }
  return k === keys.length
}
