import { chmodSync, existsSync, linkSync, mkdirSync, rmSync, type Stats, statSync } from 'node:fs'
import { hostname } from 'node:os'
import { dirname, join } from 'node:path'
import type Database from 'better-sqlite3'
import { UserError } from '../foundation/errors/user-error.ts'
import { isWritable } from '../foundation/fs/is-writable.ts'
import { nodeCrypto } from '../foundation/lazy/node-crypto.ts'
import { dependencyError, isNativeLoadFailure } from '../foundation/optional/optional-import.ts'
import { type SqliteDriver, sqliteDriver } from '../foundation/optional/sqlite-driver.ts'
import { envValue } from '../foundation/settings/env-value.ts'
import { Ledger } from './ledger.ts'
import { LedgerFileError, ledgerError } from './ledger-error.ts'
import { assertLedgerAllowed } from './ledger-path.ts'
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.ts'

/** How long a writer waits for a lock before SQLITE_BUSY (ms); `CODEX_LEDGER_BUSY_MS` overrides. */
export const BUSY_TIMEOUT_MS = 10_000

function busyTimeout(): number {
  const fromEnv = Number(envValue('CODEX_LEDGER_BUSY_MS') ?? Number.NaN)
  return Number.isFinite(fromEnv) && fromEnv >= 0 ? fromEnv : BUSY_TIMEOUT_MS
}

export interface OpenLedgerOptions {
  /** Mark sessions left `running` by dead processes on this host as `aborted` (default true). */
  reapAborted?: boolean
  readonly?: boolean
  /** Secret values every write masks (default: values of secret-named env variables, read now). */
  secrets?: readonly string[]
}

/**
 * Opens (creating race-free, then migrating) the ledger at `path`. Every failure of the file is a
 * UserError naming it and the fix (see ledgerError): a directory, not a SQLite database, damaged,
 * read-only (or -wal/-shm files left read-only, which this repairs when it may), locked, disk
 * full, written by newer code. Callers that must not fail (the reporter) degrade on any error.
 */
export function openLedger(path: string, options: OpenLedgerOptions = {}): Ledger {
  assertLedgerAllowed(path)
  // Loaded here, not at import time: without better-sqlite3 this throws MissingDependencyError
  // (exit 2 with the fix) and the reporter falls back to NDJSON instead of failing to load.
  const sqlite = sqliteDriver()
  try {
    if (path !== ':memory:') checkFile(path, options.readonly ?? false)
    if (path !== ':memory:' && !existsSync(path) && !options.readonly) createRaceFree(path, sqlite)
    const db = new sqlite.Database(path, {
      readonly: options.readonly ?? false,
      fileMustExist: options.readonly ?? false,
      nativeBinding: sqlite.nativeBinding,
    })
    try {
      db.pragma(`busy_timeout = ${busyTimeout()}`)
      if (!options.readonly) {
        if (path === ':memory:') initialise(db)
        db.pragma('synchronous = NORMAL')
        // Checkpoint the WAL every ~40 MB instead of every 4 MB: bulk writes stop paying for a
        // checkpoint (and its fsync) every few thousand rows (+6–35% in `npm run bench -- ledger`);
        // the last connection to close still checkpoints all of it.
        db.pragma('wal_autocheckpoint = 10000')
        migrate(db, path)
      } else {
        checkVersion(db, path)
      }
      const ledger = new Ledger(db, path, options.secrets)
      if (!options.readonly && options.reapAborted !== false) ledger.reapAborted(hostname(), process.pid)
      return ledger
    } catch (error) {
      db.close()
      throw error
    }
  } catch (error) {
    // better-sqlite3 loads its native binary on the first `new Database`: a binary never built
    // (npm 12 skipped its install script) or built for another Node is the dependency's fault.
    throw isNativeLoadFailure(error) ? dependencyError('better-sqlite3', error) : ledgerError(error, path)
  }
}

/**
 * What SQLite would trip on later, with a worse message: a directory, a file this process may
 * not write (for writers), a folder where SQLite cannot keep its -wal and -shm files. A -wal or
 * -shm left read-only by an open while the ledger itself was read-only (SQLite gives them the
 * ledger's mode at the time) is made writable again, as SQLite would have created it now.
 */
function checkFile(path: string, readonly: boolean): void {
  let stat: Stats
  try {
    stat = statSync(path)
  } catch {
    return // absent (or a dangling link): created below, or refused by SQLite when read-only
  }
  if (stat.isDirectory())
    throw new LedgerFileError(
      'LEDGER_IS_DIRECTORY',
      `ledger ${path} is a directory, not a file`,
      `point CODEX_LEDGER at a file (e.g. ${join(path, 'session_logs.db')}), or remove the directory (rmdir ${path})`,
    )
  if (readonly) return
  if (!isWritable(path))
    throw new LedgerFileError(
      'LEDGER_READONLY',
      `ledger ${path} is read-only`,
      `make it writable (chmod u+w ${path}); meanwhile runs record to the fallback beside it, and \`npm run ledger -- import\` brings them in`,
    )
  const dir = dirname(path)
  if (!isWritable(dir))
    throw new LedgerFileError(
      'LEDGER_READONLY',
      `the folder of ledger ${path} is read-only (SQLite keeps the ledger's -wal and -shm files beside it)`,
      `make it writable (chmod u+w ${dir}), or point CODEX_LEDGER at a file in a writable folder`,
    )
  const stuck: string[] = []
  for (const side of [`${path}-wal`, `${path}-shm`]) {
    if (!existsSync(side) || isWritable(side)) continue
    try {
      chmodSync(side, stat.mode & 0o666)
    } catch {
      // not ours to change: named below
    }
    if (!isWritable(side)) stuck.push(side)
  }
  if (stuck.length > 0)
    throw new LedgerFileError(
      'LEDGER_READONLY',
      `ledger ${path} is writable but ${stuck.join(' and ')} ${stuck.length > 1 ? 'are' : 'is'} not (left by an open while the ledger was read-only)`,
      `make ${stuck.length > 1 ? 'them' : 'it'} writable: chmod u+w ${stuck.join(' ')}`,
    )
}

/** Builds a fresh ledger in a temp file and links it into place: first creator wins, no race. */
function createRaceFree(path: string, sqlite: SqliteDriver): void {
  mkdirSync(dirname(path), { recursive: true })
  const temp = `${path}.tmp-${nodeCrypto().randomUUID()}`
  try {
    const db = new sqlite.Database(temp, { nativeBinding: sqlite.nativeBinding })
    try {
      initialise(db)
      migrate(db, temp)
    } finally {
      db.close()
    }
    linkSync(temp, path) // fails with EEXIST when another process created it first: theirs is as good
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  } finally {
    // Also when building it failed (disk full): no half-built temp files left behind. A removal
    // that fails (a name too long to exist) must not hide why building it failed.
    for (const file of [temp, `${temp}-wal`, `${temp}-shm`]) {
      try {
        rmSync(file, { force: true })
      } catch {
        // nothing of it was created
      }
    }
  }
}

function initialise(db: Database.Database): void {
  db.pragma('journal_mode = WAL')
}

function checkVersion(db: Database.Database, path: string): number {
  const version = db.pragma('user_version', { simple: true }) as number
  if (version > SCHEMA_VERSION) {
    throw new UserError(
      'LEDGER_TOO_NEW',
      `ledger ${path} has schema version ${version}, but this codex-gates understands up to ${SCHEMA_VERSION}`,
      'update codex-gates (git pull && npm ci), or point CODEX_LEDGER at another file',
    )
  }
  return version
}

function migrate(db: Database.Database, path: string): void {
  if (checkVersion(db, path) === SCHEMA_VERSION) return
  db.transaction(() => {
    // Re-read inside the (immediate) transaction: another process may have migrated meanwhile.
    const current = checkVersion(db, path)
    for (let v = current; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v] as string)
    db.pragma(`user_version = ${SCHEMA_VERSION}`)
  }).immediate()
}
