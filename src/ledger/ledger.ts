import type Database from 'better-sqlite3'
import { userCommand } from '../foundation/cli/user-command.ts'
import { UserError } from '../foundation/errors/user-error.ts'
import { processAlive } from '../foundation/process/process-alive.ts'
import { type LedgerRecord, type LedgerRow, type LedgerTable, UPSERT_KEYS } from './records.ts'

/** Rows per multi-row INSERT: past ~64 the statement gets longer without getting faster. */
const ROWS_PER_STATEMENT = 64
/** Stay far below SQLite's bound-parameter limit (32,766 in the bundled SQLite). */
const MAX_PARAMETERS = 999

/**
 * An open ledger. Writes go through `write(records)`: one transaction per call, rows checked
 * against the table's real columns, keyed tables upserted.
 */
export class Ledger {
  readonly db: Database.Database
  readonly path: string
  private readonly columns = new Map<string, Set<string>>()
  private readonly statements = new Map<string, Database.Statement>()

  constructor(db: Database.Database, path: string) {
    this.db = db
    this.path = path
  }

  /**
   * Writes all records in one transaction. With `importing`, records already imported are skipped.
   * Consecutive rows for one append-only table with the same columns go in as multi-row INSERTs
   * (`npm run bench -- ledger` measures the gain): one statement per up to ROWS_PER_STATEMENT rows.
   */
  write(records: readonly LedgerRecord[], options: { importing?: boolean } = {}): number {
    let written = 0
    const now = new Date().toISOString()
    this.db
      .transaction(() => {
        if (!options.importing) {
          this.insertRuns(records)
          written = records.length
          return
        }
        for (const record of records) {
          const fresh = this.statement('INSERT OR IGNORE INTO imported_records(rid, imported_at) VALUES (?, ?)').run(
            record.rid,
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

  /** Inserts one row (upserting keyed tables); statements are cached per table and column set. */
  insert(table: LedgerTable, row: LedgerRow): void {
    const keys = definedKeys(row)
    this.prepared(table, keys, 1).run(valuesOf(row, keys))
  }

  /** Marks sessions left `running` on this host by processes that no longer exist as `aborted`. */
  reapAborted(host: string, selfPid: number): number {
    const running = this.db
      .prepare("SELECT id, pid FROM sessions WHERE status = 'running' AND host = ? AND pid IS NOT NULL")
      .all(host) as { id: string; pid: number }[]
    const dead = running.filter((s) => s.pid !== selfPid && !processAlive(s.pid))
    if (dead.length === 0) return 0
    const now = new Date().toISOString()
    const mark = this.db.prepare(
      "UPDATE sessions SET status = 'aborted', ended_at = ? WHERE id = ? AND status = 'running'",
    )
    const note = this.db.prepare(
      "INSERT INTO events(session_id, ts, role, level, message, data_json) VALUES (?, ?, 'system', 'warn', ?, ?)",
    )
    this.db.transaction(() => {
      for (const s of dead) {
        mark.run(now, s.id)
        note.run(s.id, now, 'session aborted: its process ended without closing it', JSON.stringify({ pid: s.pid }))
      }
    })()
    return dead.length
  }

  /** Runs a read query; rows as plain objects. */
  all<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[] {
    return this.db.prepare(sql).all(...params) as T[]
  }

  get<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T | undefined {
    return this.db.prepare(sql).get(...params) as T | undefined
  }

  close(): void {
    if (this.db.open) this.db.close()
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
        for (let k = 0; k < width; k++) values[v++] = row[keys[k] as string]
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
      statement = this.db.prepare(this.insertSql(table, keys, rows))
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
      const info = this.db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]
      if (info.length === 0)
        throw new UserError(
          'LEDGER_TABLE',
          `ledger ${this.path} has no table ${table}`,
          `run \`${userCommand('ledger migrate')}\``,
        )
      set = new Set(info.map((c) => c.name))
      this.columns.set(table, set)
    }
    return set
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql)
    if (!statement) {
      statement = this.db.prepare(sql)
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

function valuesOf(row: LedgerRow, keys: readonly string[]): unknown[] {
  return keys.map((key) => row[key])
}
