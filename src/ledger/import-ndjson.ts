import { existsSync, readFileSync } from 'node:fs'
import { UserError } from '../foundation/errors/user-error.ts'
import type { Ledger } from './ledger.ts'
import { LEDGER_TABLES, type LedgerRecord, type LedgerTable } from './records.ts'

const TABLES: ReadonlySet<string> = new Set(LEDGER_TABLES)

/** Parses NDJSON ledger records, naming `file:line` for anything malformed. */
export function parseRecords(text: string, file: string): LedgerRecord[] {
  const records: LedgerRecord[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim()
    if (!line) continue
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch (error) {
      // A torn last line (the writer died mid-append) is skipped, not fatal: everything before it is good.
      if (i >= lines.length - 2) break
      throw new UserError(
        'BAD_NDJSON',
        `${file}:${i + 1}: not valid JSON (${(error as Error).message})`,
        'fix or delete that line, then import again',
      )
    }
    const r = value as Partial<LedgerRecord>
    if (
      typeof r.rid !== 'string' ||
      typeof r.table !== 'string' ||
      !TABLES.has(r.table) ||
      typeof r.row !== 'object' ||
      r.row === null
    ) {
      throw new UserError(
        'BAD_RECORD',
        `${file}:${i + 1}: expected {"rid": string, "table": one of ${[...TABLES].join('|')}, "row": object}`,
        'only files written by the ledger reporter (ledger-fallback.ndjson) or `ledger export` can be imported',
      )
    }
    records.push(r as LedgerRecord)
  }
  return records
}

/** Imports a fallback/export file; records already imported (by `rid`) are skipped. */
export function importNdjson(ledger: Ledger, file: string): { read: number; imported: number } {
  if (!existsSync(file))
    throw new UserError(
      'NO_FILE',
      `nothing to import: ${file} does not exist`,
      'pass the file: `npm run ledger -- import <file>`',
    )
  const records = parseRecords(readFileSync(file, 'utf8'), file)
  const imported = ledger.write(records, { importing: true })
  return { read: records.length, imported }
}

/** Every row of every table as NDJSON records (rid = table:rowid, so re-importing is a no-op). */
export function* exportRecords(ledger: Ledger): Generator<LedgerRecord> {
  for (const table of TABLES) {
    for (const raw of ledger.iterate(`SELECT rowid AS __rowid, * FROM ${table} ORDER BY rowid`)) {
      const { __rowid, id, ...rest } = raw
      const row = typeof id === 'string' ? { id, ...rest } : rest // integer ids are local: let the target assign its own
      yield { rid: `export:${table}:${String(__rowid)}`, table: table as LedgerTable, row: row as LedgerRecord['row'] }
    }
  }
}

/** RFC 4180 CSV of one table. */
export function exportCsv(ledger: Ledger, table: string): string {
  if (!TABLES.has(table))
    throw new UserError(
      'BAD_TABLE',
      `--table ${table} is not a ledger table`,
      `choose one of: ${[...TABLES].join(', ')}`,
    )
  const rows = ledger.all<Record<string, unknown>>(`SELECT * FROM ${table} ORDER BY rowid`)
  const columns = ledger.tableColumns(table)
  const cell = (v: unknown) => {
    if (v === null || v === undefined) return ''
    const s = String(v)
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
  }
  return [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\n') + '\n'
}
