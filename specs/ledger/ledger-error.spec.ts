import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { UserError } from '../../src/foundation/errors/user-error.ts'
import {
  isLedgerFileError,
  type LedgerFileError,
  ledgerError,
  withLedgerErrors,
  withLedgerErrorsSync,
} from '../../src/ledger/ledger-error.ts'
import { openLedger } from '../../src/ledger/open-ledger.ts'
import { userErrorFrom, userErrorOf } from '../support/user-error.ts'

const LEDGER = '/repo/.codex/session_logs.db'

/** An error as better-sqlite3 or Node throws it: a message, a `code`, maybe a `path`. */
function failure(code: string, path?: string): Error {
  return Object.assign(new Error(`${code}: it failed`), { code, ...(path === undefined ? {} : { path }) })
}

describe('ledgerError()', () => {
  test.each([
    ['SQLITE_NOTADB', 'LEDGER_NOT_SQLITE', /is not a SQLite database/],
    ['SQLITE_CORRUPT', 'LEDGER_CORRUPT', /damaged, truncated or overwritten/],
    ['SQLITE_CORRUPT_INDEX', 'LEDGER_CORRUPT', /damaged/],
    ['SQLITE_READONLY', 'LEDGER_READONLY', /cannot be written/],
    ['SQLITE_READONLY_DBMOVED', 'LEDGER_READONLY', /cannot be written/],
    ['SQLITE_BUSY', 'LEDGER_LOCKED', /locked by another process/],
    ['SQLITE_LOCKED_SHAREDCACHE', 'LEDGER_LOCKED', /locked/],
    ['SQLITE_FULL', 'LEDGER_FULL', /no space left/],
    ['SQLITE_CANTOPEN', 'LEDGER_CANTOPEN', /cannot open ledger/],
    ['SQLITE_IOERR_WRITE', 'LEDGER_IO', /I\/O error on ledger/],
  ])('SQLite %s is %s, naming the file', (sqliteCode, code, message) => {
    const error = ledgerError(failure(sqliteCode), LEDGER)
    expect(isLedgerFileError(error)).toBe(true)
    expect(error).toMatchObject({ code, name: 'LedgerFileError', exitCode: 2 })
    expect((error as LedgerFileError).message).toMatch(message)
    expect((error as LedgerFileError).message).toContain(LEDGER)
    expect((error as LedgerFileError).message).toContain(`${sqliteCode}: it failed`)
  })

  test.each([
    ['EACCES', 'LEDGER_READONLY'],
    ['EPERM', 'LEDGER_READONLY'],
    ['EROFS', 'LEDGER_READONLY'],
    ['ENOSPC', 'LEDGER_FULL'],
    ['ENOTDIR', 'LEDGER_CANTOPEN'],
    ['ENOENT', 'LEDGER_CANTOPEN'],
    ['EEXIST', 'LEDGER_CANTOPEN'],
    ['ENAMETOOLONG', 'LEDGER_CANTOPEN'],
    ['EIO', 'LEDGER_IO'],
  ])('a file-system %s on the ledger, a side file or a folder above it is %s', (errno, code) => {
    for (const on of [LEDGER, `${LEDGER}-wal`, `${LEDGER}.tmp-123`, '/repo/.codex', '/repo'])
      expect(ledgerError(failure(errno, on), LEDGER)).toMatchObject({ code })
  })

  test('a damaged ledger: the hint moves it aside and names the recover command for the moved file', () => {
    const error = ledgerError(failure('SQLITE_CORRUPT'), LEDGER) as LedgerFileError
    expect(error.hint).toContain(
      'mkdir -p /repo/.codex/broken && mv /repo/.codex/session_logs.db* /repo/.codex/broken/',
    )
    expect(error.hint).toContain('`sqlite3 /repo/.codex/broken/session_logs.db .recover`')
  })

  test('a file-system error about some other file, or without a path, is not the ledger’s: returned as is', () => {
    for (const error of [failure('ENOENT', '/repo/data/train.bin'), failure('EACCES'), failure('ENOSPC', '/tmp/x')])
      expect(ledgerError(error, LEDGER)).toBe(error)
    // A file whose name merely begins like a folder above the ledger is not that folder.
    for (const error of [failure('ENOENT', '/repo/.cod'), failure('EACCES', '/re')])
      expect(ledgerError(error, LEDGER)).toBe(error)
  })

  test('an unknown code, a code that is not a string, or no error object at all is returned as is (a bug)', () => {
    const unknown = failure('SQLITE_MISUSE')
    const numeric = Object.assign(new Error('x'), { code: 5 })
    for (const error of [unknown, failure('ECONNRESET', LEDGER), numeric, new Error('plain'), null, undefined, 'text'])
      expect(ledgerError(error, LEDGER)).toBe(error)
  })

  test('a UserError is already explained: returned as is', () => {
    const error = new UserError('LEDGER_TOO_NEW', 'too new', 'update')
    expect(ledgerError(error, LEDGER)).toBe(error)
  })

  test('for any error code: a LedgerFileError exactly for the SQLite and errno codes it knows', () => {
    const known =
      /^(SQLITE_(NOTADB|CORRUPT|READONLY|BUSY|LOCKED|FULL|CANTOPEN|IOERR)|EACCES$|EPERM$|EROFS$|ENOSPC$|ENOTDIR$|ENOENT$|EEXIST$|EIO$)/
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.constantFrom('SQLITE_BUSY_TIMEOUT', 'SQLITE_ERROR', 'SQLITE_CONSTRAINT', 'EIO', 'EAGAIN', 'SQLITE_FULL'),
        ),
        (code) => {
          const error = failure(code, LEDGER)
          const out = ledgerError(error, LEDGER)
          if (known.test(code)) expect(isLedgerFileError(out)).toBe(true)
          else expect(out).toBe(error)
        },
      ),
    )
  })
})

describe('withLedgerErrors() and withLedgerErrorsSync()', () => {
  test('return what the function returns', async () => {
    expect(withLedgerErrorsSync(LEDGER, () => 7)).toBe(7)
    expect(await withLedgerErrors(LEDGER, async () => 8)).toBe(8)
  })

  test('turn a ledger failure into the UserError that names the file; leave a bug as it is', async () => {
    expect(
      userErrorFrom(() =>
        withLedgerErrorsSync(LEDGER, () => {
          throw failure('SQLITE_BUSY')
        }),
      ).code,
    ).toBe('LEDGER_LOCKED')
    const rejected = await userErrorOf(
      withLedgerErrors(LEDGER, async () => {
        throw failure('SQLITE_FULL')
      }),
    )
    expect(rejected.code).toBe('LEDGER_FULL')
    const bug = new TypeError('x is undefined')
    expect(() =>
      withLedgerErrorsSync(LEDGER, () => {
        throw bug
      }),
    ).toThrow(bug)
    await expect(
      withLedgerErrors(LEDGER, () => {
        throw bug
      }),
    ).rejects.toBe(bug)
  })

  test('a real SQLite failure inside: a closed ledger written to stays the bug it is', () => {
    const ledger = openLedger(':memory:', { reapAborted: false })
    ledger.close()
    expect(() => withLedgerErrorsSync(':memory:', () => ledger.all('SELECT 1'))).toThrow(/not open/)
  })
})
