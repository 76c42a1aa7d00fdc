import type Database from 'better-sqlite3'
import { requireOptional } from '../../src/foundation/optional/optional-import.ts'

/**
 * A plain better-sqlite3 connection to a ledger file, for specs that must do what the Ledger
 * never allows (hold a lock, drop or rename a column): its own handle is private, so every write
 * through it is masked.
 */
export function rawSqlite(path: string): Database.Database {
  return new (requireOptional('better-sqlite3'))(path)
}
