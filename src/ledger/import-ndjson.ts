import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { userCommand } from '../foundation/cli/user-command.ts'
import { errorMessage, UserError } from '../foundation/errors/user-error.ts'
import { type Ledger, RecordWriteError } from './ledger.ts'
import { LEDGER_TABLES, type LedgerRecord, type LedgerRow, UPSERT_KEYS } from './records.ts'
import { validateRecord } from './validate-record.ts'

const TABLES: ReadonlySet<string> = new Set(LEDGER_TABLES)

/** How every record the ledger's writers produce begins (JSON.stringify of `{ rid, table, row }`). */
const RECORD_START = '{"rid":"'

/** NDJSON records read from a file, with where each came from and the torn lines skipped. */
export interface ParsedRecords {
  records: LedgerRecord[]
  /** The 1-based line of each record. */
  lines: number[]
  /** 1-based lines holding a record cut short (its writer died or is still writing): skipped. */
  torn: number[]
}

/**
 * Parses NDJSON ledger records. A torn record (the start of one, cut off by a crash or a full
 * disk) is skipped and its line listed, wherever it is; a record an older writer glued onto a torn
 * one on the same line is still read. Anything else malformed is a UserError naming `file:line`.
 */
export function parseNdjson(text: string, file: string): ParsedRecords {
  const parsed: ParsedRecords = { records: [], lines: [], torn: [] }
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim()
    if (!line) continue
    const value = parseJson(line)
    if (value !== INVALID) {
      parsed.records.push(asRecord(value, file, i + 1))
      parsed.lines.push(i + 1)
      continue
    }
    // Split where records start: `{"rid":"` cannot occur inside a record (its quotes would be escaped).
    for (const piece of line.split(/(?=\{"rid":")/)) {
      const part = parseJson(piece)
      if (part !== INVALID) {
        parsed.records.push(asRecord(part, file, i + 1))
        parsed.lines.push(i + 1)
      } else if (isTorn(piece)) {
        if (parsed.torn.at(-1) !== i + 1) parsed.torn.push(i + 1)
      } else {
        throw new UserError(
          'BAD_NDJSON',
          `${file}:${i + 1}: not valid JSON (${jsonError(line)})`,
          'fix or delete that line, then import again',
        )
      }
    }
  }
  return parsed
}

/** The records of `text` (see parseNdjson); torn ones left out. */
export function parseRecords(text: string, file: string): LedgerRecord[] {
  return parseNdjson(text, file).records
}

export interface ImportResult {
  /** Records read (torn ones not counted). */
  read: number
  /** Records that changed the ledger; the others were already there. */
  imported: number
  /** Lines skipped because their record was cut short. */
  torn: number[]
}

/**
 * Imports a fallback or export file, exactly once: records already imported, and rows the ledger
 * already holds, are skipped. Torn records are skipped and listed. All or nothing: a record the
 * ledger refuses (an unknown column, a value out of range) is a UserError naming `file:line`.
 */
export function importNdjson(ledger: Ledger, file: string): ImportResult {
  if (!existsSync(file))
    throw new UserError(
      'NO_FILE',
      `nothing to import: ${file} does not exist`,
      `pass the file: \`${userCommand('ledger import <file>')}\``,
    )
  const { records, lines, torn } = parseNdjson(readFileSync(file, 'utf8'), file)
  records.forEach((record, i) => {
    validateRecord(ledger, record, `${file}:${lines[i]}`)
  })
  let imported: number
  try {
    imported = ledger.write(records, { importing: true })
  } catch (error) {
    if (!(error instanceof RecordWriteError)) throw error
    throw new UserError(
      'BAD_RECORD',
      `${file}:${lines[error.index]}: the ledger refused this ${error.record.table} row: ${errorMessage(error.cause)}`,
      'fix or delete that line, then import again (nothing was imported)',
    )
  }
  return { read: records.length, imported, torn }
}

/**
 * Every row of every table as NDJSON records, each with a globally unique, stable id: an
 * append-only row's own `rid`, a keyed row's table, key and content digest. Importing the export
 * anywhere (another ledger, twice, or this one) adds each row once.
 */
export function* exportRecords(ledger: Ledger): Generator<LedgerRecord> {
  for (const table of LEDGER_TABLES) {
    const key = UPSERT_KEYS[table]
    for (const raw of ledger.iterate<LedgerRow>(`SELECT * FROM ${table} ORDER BY rowid`)) {
      if (key) {
        yield { rid: `${table}:${String(raw[key])}:${digest(raw)}`, table, row: raw }
        continue
      }
      // Integer ids are local to each ledger: the target assigns its own.
      const { id: _id, rid, ...row } = raw
      yield { rid: typeof rid === 'string' ? rid : `${table}:${digest(row)}`, table, row }
    }
  }
}

function digest(row: LedgerRow): string {
  return createHash('sha256').update(JSON.stringify(row)).digest('hex').slice(0, 16)
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

// --- internal ---

const INVALID = Symbol('invalid JSON')

/**
 * True for text that is the start of a record cut short, possibly after other cut-short starts
 * (an older writer appended onto a torn line): each piece begins like every record does.
 */
function isTorn(text: string): boolean {
  let rest = text
  while (rest !== '') {
    if (rest.startsWith(RECORD_START)) return true
    let k = 0
    while (k < rest.length && k < RECORD_START.length && rest[k] === RECORD_START[k]) k++
    if (k === 0) return false
    rest = rest.slice(k)
  }
  return true
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return INVALID
  }
}

function jsonError(text: string): string {
  try {
    JSON.parse(text)
    return 'unexpected'
  } catch (error) {
    return (error as Error).message
  }
}

function asRecord(value: unknown, file: string, line: number): LedgerRecord {
  const r = value as Partial<LedgerRecord>
  if (
    typeof r !== 'object' ||
    r === null ||
    typeof r.rid !== 'string' ||
    typeof r.table !== 'string' ||
    !TABLES.has(r.table) ||
    typeof r.row !== 'object' ||
    r.row === null ||
    Array.isArray(r.row)
  ) {
    throw new UserError(
      'BAD_RECORD',
      `${file}:${line}: expected {"rid": string, "table": one of ${[...TABLES].join('|')}, "row": object}`,
      'only files written by the ledger reporter (ledger-fallback.ndjson) or `ledger export` can be imported',
    )
  }
  return r as LedgerRecord
}
