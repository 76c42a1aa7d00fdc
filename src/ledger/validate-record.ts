import { UserError } from '../foundation/errors/user-error.ts'
import type { Ledger } from './ledger.ts'
import { carriesRid, ENUM_COLUMNS, type LedgerRecord, UPSERT_KEYS } from './records.ts'

/**
 * Checks an imported record against the ledger's schema before anything is written, so a bad
 * field is a UserError naming `where` (file:line), the field and the fix instead of a SQLite
 * error: an unknown column, a value that is an object, array or boolean, a value outside the
 * column's allowed set, a missing required column, or an id that is local to the ledger.
 */
export function validateRecord(ledger: Ledger, record: LedgerRecord, where: string): void {
  const { table, row } = record
  const columns = ledger.columnInfo(table)
  const names = new Set(columns.map((c) => c.name))
  const fix = 'fix that line (or delete it), then import again; nothing was imported'
  for (const [field, value] of Object.entries(row)) {
    if (!names.has(field))
      throw new UserError(
        'BAD_FIELD',
        `${where}: ${table} has no column "${field}"`,
        `its columns are ${columns.map((c) => c.name).join(', ')}; ${fix}`,
      )
    if (carriesRid(table) && (field === 'id' || field === 'rid'))
      throw new UserError(
        'BAD_FIELD',
        `${where}: ${table}.${field} is not imported: ${field === 'id' ? 'row numbers are local to each ledger' : 'a row\'s id is its record\'s "rid"'}`,
        `delete "${field}" from the row; ${fix}`,
      )
    if (value !== null && typeof value !== 'string' && typeof value !== 'number')
      throw new UserError(
        'BAD_FIELD',
        `${where}: ${table}.${field} is ${kindOf(value)}; a ledger value is a string, a number or null`,
        `store it as a JSON string (e.g. ${JSON.stringify(JSON.stringify(value)).slice(0, 40)}); ${fix}`,
      )
    const allowed = ENUM_COLUMNS[table]?.[field]
    if (allowed && value !== null && !allowed.includes(String(value)))
      throw new UserError(
        'BAD_FIELD',
        `${where}: ${table}.${field} is ${JSON.stringify(value)}, not one of ${allowed.join('|')}`,
        fix,
      )
  }
  const key = UPSERT_KEYS[table]
  // A keyed row may update one that exists, so only its key is required here.
  const required = key
    ? [key]
    : columns.filter((c) => c.notnull && c.dflt_value === null && c.pk === 0).map((c) => c.name)
  for (const field of required) {
    if (row[field] === undefined || row[field] === null)
      throw new UserError('BAD_FIELD', `${where}: ${table}.${field} is missing; every ${table} row needs it`, fix)
  }
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  return `a ${typeof value}`
}
