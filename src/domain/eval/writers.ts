import { appendFileSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { writeFileAtomic } from '../../foundation/fs/write-file-atomic.ts'

export type Row = Record<string, unknown>

/** One JSON object per line, each line ending in a newline. */
export function toNdjson(rows: readonly Row[]): string {
  return rows.map((r) => `${JSON.stringify(r)}\n`).join('')
}

/**
 * RFC 4180 CSV: a header of the columns (default: every key, in first-seen order), CRLF line
 * ends, fields quoted when they hold a comma, quote, CR or LF or start/end with a space.
 * Arrays and objects are written as JSON; null and undefined as empty fields.
 */
export function toCsv(rows: readonly Row[], columns: readonly string[] = columnsOf(rows)): string {
  const lines = [columns.map(csvField).join(',')]
  for (const row of rows) lines.push(columns.map((c) => csvField(cell(row[c]))).join(','))
  return `${lines.join('\r\n')}\r\n`
}

/** Writes rows as NDJSON, atomically (readers never see half a file). */
export function writeNdjson(path: string, rows: readonly Row[]): void {
  mkdirSync(dirname(path), { recursive: true })
  writeFileAtomic(path, toNdjson(rows))
}

/** Writes rows as CSV, atomically. */
export function writeCsv(path: string, rows: readonly Row[], columns?: readonly string[]): void {
  mkdirSync(dirname(path), { recursive: true })
  writeFileAtomic(path, toCsv(rows, columns))
}

/** Appends one row to an NDJSON file (for streaming per-example results as they come). */
export function appendNdjson(path: string, row: Row): void {
  mkdirSync(dirname(path), { recursive: true })
  appendFileSync(path, `${JSON.stringify(row)}\n`)
}

// --- internal ---

function columnsOf(rows: readonly Row[]): string[] {
  const seen = new Set<string>()
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key)
  return [...seen]
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value)
  return JSON.stringify(value)
}

function csvField(text: string): string {
  if (/[",\r\n]/.test(text) || /^\s|\s$/.test(text)) return `"${text.replaceAll('"', '""')}"`
  return text
}
