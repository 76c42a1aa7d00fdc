import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type BetterSqlite3 from 'better-sqlite3'
import * as bundledSqlite from './bundled-sqlite.cjs'
import { requireOptional, sqliteBinding, sqlitePackageDir } from './optional-import.ts'

/** better-sqlite3 as every ledger open uses it: `new Database(path, { ...options, nativeBinding })`. */
export interface SqliteDriver {
  /** better-sqlite3's Database class. */
  Database: typeof BetterSqlite3
  /** Its native binary by path (see sqliteBinding); undefined: better-sqlite3 searches for it. */
  nativeBinding: string | undefined
  /** True when Database is the JavaScript bundled with this code, not the installed package's. */
  bundled: boolean
}

/** What the choice needs to know of the installed better-sqlite3. */
export interface InstalledSqlite {
  /** Its package.json version; undefined where it does not resolve or cannot be read. */
  version: string | undefined
  /** Its native binary; undefined where it was never built (or lies elsewhere). */
  binary: string | undefined
}

/** better-sqlite3's JavaScript as bundled (src/foundation/optional/bundled-sqlite.cjs). */
export interface BundledSqlite {
  version(): string
  load(): typeof BetterSqlite3
}

/**
 * better-sqlite3 for this process, chosen once: the copy of its JavaScript inside the CLI's or the
 * hook runner's bundle (compiled from the bundle's V8 code cache: no module resolution, reads or
 * compiles of its ~12 files) where it is the installed version and the installed binary exists;
 * otherwise the installed package, loaded as before. Throws MissingDependencyError (with the fix)
 * when better-sqlite3 is not installed; a binary never built fails on the first `new Database`,
 * where openLedger turns it into the same error.
 */
export function sqliteDriver(): SqliteDriver {
  driver ??= pickSqliteDriver(installedSqlite(), bundledSqlite, () => requireOptional('better-sqlite3'))
  return driver
}

/**
 * The choice itself: the bundled JavaScript only when its version is the installed package's (its
 * binary is built against that version's C++ API) and the binary is known by path (a bundle has
 * no `bindings` helper to search with); any other version, an unknown one or any failure to load
 * the copy falls back to `installed()`.
 */
export function pickSqliteDriver(
  installed: InstalledSqlite,
  bundled: BundledSqlite,
  fallback: () => typeof BetterSqlite3,
): SqliteDriver {
  const { version, binary } = installed
  if (version !== undefined && binary !== undefined) {
    try {
      if (bundled.version() === version) return { Database: bundled.load(), nativeBinding: binary, bundled: true }
    } catch {
      // a copy that does not load is no reason to fail: the installed package is loaded instead
    }
  }
  return { Database: fallback(), nativeBinding: binary, bundled: false }
}

/** The installed better-sqlite3's version and binary (the version read only where a binary exists). */
export function installedSqlite(): InstalledSqlite {
  const binary = sqliteBinding()
  const dir = sqlitePackageDir()
  if (binary === undefined || dir === undefined) return { version: undefined, binary }
  try {
    const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: unknown }
    return { version: typeof version === 'string' ? version : undefined, binary }
  } catch {
    return { version: undefined, binary }
  }
}

// --- internal ---

let driver: SqliteDriver | undefined
