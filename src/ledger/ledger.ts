import type Database from 'better-sqlite3'
import { UserError } from '../errors/user-error.ts'
import { processAlive } from './process-alive.ts'
import { type LedgerRecord, type LedgerRow, type LedgerTable, UPSERT_KEYS } from './records.ts'

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

  /** Writes all records in one transaction. With `importing`, records already imported are skipped. */
  write(records: readonly LedgerRecord[], options: { importing?: boolean } = {}): number {
    let written = 0
    const now = new Date().toISOString()
    this.db
      .transaction(() => {
        for (const record of records) {
          if (options.importing) {
            const fresh = this.statement('INSERT OR IGNORE INTO imported_records(rid, imported_at) VALUES (?, ?)').run(
              record.rid,
              now,
            )
            if (fresh.changes === 0) continue
          }
          this.insert(record.table, record.row)
          written++
        }
      })
      .immediate()
    return written
  }

  /** Inserts one row (upserting keyed tables); statements are cached per table and column set. */
  insert(table: LedgerTable, row: LedgerRow): void {
    const keys: string[] = []
    const values: unknown[] = []
    for (const key in row) {
      const value = row[key]
      if (value === undefined) continue
      keys.push(key)
      values.push(value)
    }
    const cacheKey = `${table}|${keys.join(',')}`
    let statement = this.statements.get(cacheKey)
    if (!statement) {
      statement = this.db.prepare(this.insertSql(table, keys))
      this.statements.set(cacheKey, statement)
    }
    statement.run(values)
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

  private insertSql(table: LedgerTable, keys: string[]): string {
    const known = this.columnsOf(table)
    for (const key of keys) {
      if (!known.has(key)) throw new Error(`BUG: ledger table ${table} has no column ${key}`)
    }
    let sql = `INSERT INTO ${table} (${keys.join(', ')}) VALUES (${keys.map(() => '?').join(', ')})`
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
          'run `npm run ledger -- migrate`',
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
