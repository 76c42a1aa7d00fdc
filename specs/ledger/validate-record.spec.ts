import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { importNdjson } from '../../src/ledger/import-ndjson.ts'
import { openLedger } from '../../src/ledger/open-ledger.ts'
import { ENUM_COLUMNS, LEDGER_TABLES } from '../../src/ledger/records.ts'
import { tempDir } from '../support/temp-dir.ts'
import { userErrorFrom } from '../support/user-error.ts'

const dir = tempDir('validate-record-')
const ledger = openLedger(join(dir, 'ledger.db'), { reapAborted: false })
const good = { session_id: 's', name: 'adds', state: 'passed' }
const fix = 'fix that line (or delete it), then import again; nothing was imported'

/** Imports a file whose second line is a test_results record with `row`; returns the UserError. */
function importBad(name: string, row: Record<string, unknown>, table = 'test_results') {
  const file = join(dir, `${name}.ndjson`)
  const line = (rid: string, r: unknown, t = 'test_results') => JSON.stringify({ rid, table: t, row: r })
  writeFileSync(file, `${line(`${name}-1`, good)}\n${line(`${name}-2`, row, table)}\n${line(`${name}-3`, good)}\n`)
  const error = userErrorFrom(() => importNdjson(ledger, file))
  return { file, error }
}

describe('validateRecord() through importNdjson()', () => {
  test.each([
    ['an unknown column', { ...good, colour: 'red' }, 'test_results has no column "colour"'],
    [
      'an out-of-range value',
      { ...good, state: 'exploded' },
      'test_results.state is "exploded", not one of passed|failed|skipped|todo',
    ],
    [
      'an object value',
      { ...good, error: { message: 'x' } },
      'test_results.error is an object; a ledger value is a string, a number or null',
    ],
    [
      'an array value',
      { ...good, error: ['x'] },
      'test_results.error is an array; a ledger value is a string, a number or null',
    ],
    [
      'a boolean value',
      { ...good, flaky: true },
      'test_results.flaky is a boolean; a ledger value is a string, a number or null',
    ],
    [
      'a missing required column',
      { session_id: 's', state: 'passed' },
      'test_results.name is missing; every test_results row needs it',
    ],
    ['a local row number', { ...good, id: 7 }, 'test_results.id is not imported: row numbers are local to each ledger'],
    [
      'a row id of its own',
      { ...good, rid: 'x' },
      'test_results.rid is not imported: a row\'s id is its record\'s "rid"',
    ],
  ])('%s is exit 2 naming file:line and the field; nothing is imported', (name, row, message) => {
    const { file, error } = importBad(name.replace(/ /g, '-'), row)
    expect(error.code).toBe('BAD_FIELD')
    expect(error.exitCode).toBe(2)
    expect(error.message).toBe(`${file}:2: ${message}`)
    expect(error.hint).toContain(fix)
    expect(ledger.get('SELECT COUNT(*) AS n FROM test_results')).toEqual({ n: 0 })
  })

  test('the hint lists the real columns for an unknown one, and shows the JSON-string form for an object', () => {
    expect(importBad('cols', { ...good, colour: 'red' }).error.hint).toMatch(
      /^its columns are id, session_id, project, /,
    )
    expect(importBad('obj', { ...good, error: { a: 1 } }).error.hint).toContain(
      'store it as a JSON string (e.g. "{\\"a\\":1}")',
    )
  })

  test('a keyed row needs only its key; one the ledger still refuses is named by file:line', () => {
    const { file, error } = importBad('no-key', { kind: 'vitest', status: 'passed' }, 'sessions')
    expect(error.message).toBe(`${file}:2: sessions.id is missing; every sessions row needs it`)
    const refused = importBad('no-kind', { id: 'new-session', status: 'passed' }, 'sessions')
    expect(refused.error.code).toBe('BAD_RECORD')
    expect(refused.error.message).toBe(
      `${refused.file}:2: the ledger refused this sessions row: NOT NULL constraint failed: sessions.kind`,
    )
    expect(ledger.get('SELECT COUNT(*) AS n FROM sessions')).toEqual({ n: 0 })
  })

  test('ENUM_COLUMNS lists exactly the CHECK constraints of the schema', () => {
    const fromSchema: Record<string, Record<string, string[]>> = {}
    for (const table of LEDGER_TABLES) {
      const sql = (
        ledger.get<{ sql: string }>('SELECT sql FROM sqlite_master WHERE name = ?', table) as { sql: string }
      ).sql
      for (const m of sql.matchAll(/CHECK \((\w+) IN \(([^)]*)\)\)/g)) {
        fromSchema[table] ??= {}
        ;(fromSchema[table] as Record<string, string[]>)[m[1] as string] = (m[2] as string)
          .split(',')
          .map((v) => v.replace(/'/g, ''))
      }
    }
    expect(fromSchema).toEqual(ENUM_COLUMNS)
  })
})
