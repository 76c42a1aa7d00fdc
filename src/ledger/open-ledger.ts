import { randomUUID } from 'node:crypto'
import { existsSync, linkSync, mkdirSync, rmSync } from 'node:fs'
import { hostname } from 'node:os'
import { dirname } from 'node:path'
import type Database from 'better-sqlite3'
import { UserError } from '../foundation/errors/user-error.ts'
import { requireOptional } from '../foundation/optional/optional-import.ts'
import { Ledger } from './ledger.ts'
import { assertLedgerAllowed } from './ledger-path.ts'
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.ts'

/** How long a writer waits for a lock before SQLITE_BUSY (ms); `CODEX_LEDGER_BUSY_MS` overrides. */
export const BUSY_TIMEOUT_MS = 10_000

function busyTimeout(): number {
  const fromEnv = Number(process.env.CODEX_LEDGER_BUSY_MS)
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
 * Opens (creating race-free, then migrating) the ledger at `path`. Throws UserError for a file
 * written by newer code; other failures (locked, corrupt, read-only) surface as plain errors the
 * caller may degrade on.
 */
export function openLedger(path: string, options: OpenLedgerOptions = {}): Ledger {
  assertLedgerAllowed(path)
  // Loaded here, not at import time: without better-sqlite3 this throws MissingDependencyError
  // (exit 2 with the fix) and the reporter falls back to NDJSON instead of failing to load.
  const Sqlite = requireOptional('better-sqlite3')
  if (path !== ':memory:' && !existsSync(path) && !options.readonly) createRaceFree(path)
  const db = new Sqlite(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false })
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
}

/** Builds a fresh ledger in a temp file and links it into place: first creator wins, no race. */
function createRaceFree(path: string): void {
  mkdirSync(dirname(path), { recursive: true })
  const temp = `${path}.tmp-${randomUUID()}`
  const db = new (requireOptional('better-sqlite3'))(temp)
  try {
    initialise(db)
    migrate(db, temp)
  } finally {
    db.close()
  }
  try {
    linkSync(temp, path) // fails with EEXIST when another process created it first: theirs is as good
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  } finally {
    rmSync(temp, { force: true })
    rmSync(`${temp}-wal`, { force: true })
    rmSync(`${temp}-shm`, { force: true })
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
