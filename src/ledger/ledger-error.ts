import { dirname, sep } from 'node:path'
import type { ErrorCode } from '../foundation/errors/error-codes.ts'
import { errorMessage, UserError } from '../foundation/errors/user-error.ts'

/**
 * The ledger file cannot be used (a directory, not a database, damaged, read-only, locked, disk
 * full): exit 2 with the fix for commands that need the ledger; writers that must not fail
 * (reporter, hooks, training, data preparation) degrade on it instead.
 */
export class LedgerFileError extends UserError {
  constructor(code: ErrorCode, message: string, hint: string) {
    super(code, message, hint)
    this.name = 'LedgerFileError'
  }
}

/** True for a LedgerFileError: the ledger is broken, not the command's usage. */
export function isLedgerFileError(error: unknown): error is LedgerFileError {
  return error instanceof LedgerFileError
}

/**
 * A failure of the ledger file (not a SQLite database, damaged, read-only, locked, disk full,
 * unopenable) as the UserError that names the file and the fix; anything else is returned as is,
 * a bug. SQLite reports these through `code` (better-sqlite3's SqliteError), Node through errno
 * codes on errors whose `path` is the ledger, one of its side files or a folder above it.
 */
export function ledgerError(error: unknown, path: string): unknown {
  if (error instanceof UserError) return error
  const { code, path: on } = (error ?? {}) as { code?: unknown; path?: unknown }
  if (typeof code !== 'string') return error
  const dir = dirname(path)
  // A file-system error is the ledger's only when it names the ledger, a side file or a folder
  // above it (a whole path component: /repo/.cod is not a folder above /repo/.codex/ledger.db).
  if (!code.startsWith('SQLITE_') && !(typeof on === 'string' && (on.startsWith(path) || isFolderOf(on, dir))))
    return error
  const message = errorMessage(error)
  const aside = `move it and its -wal/-shm files aside (mkdir -p ${dir}/broken && mv ${path}* ${dir}/broken/): the next run starts a fresh ledger, and \`npm run ledger -- import\` then brings back what runs recorded to the fallback meanwhile`
  if (code === 'SQLITE_NOTADB')
    return new LedgerFileError('LEDGER_NOT_SQLITE', `ledger ${path} is not a SQLite database (${message})`, aside)
  if (code.startsWith('SQLITE_CORRUPT'))
    return new LedgerFileError(
      'LEDGER_CORRUPT',
      `ledger ${path} is damaged, truncated or overwritten (${message})`,
      `${aside}; \`sqlite3 ${dir}/broken/${path.slice(dir.length + 1)} .recover\` may rescue its older rows`,
    )
  if (code.startsWith('SQLITE_READONLY') || code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
    return new LedgerFileError(
      'LEDGER_READONLY',
      `ledger ${path} cannot be written (${message})`,
      `make it and its folder writable (chmod u+w ${path} ${dir}; also ${path}-wal and ${path}-shm if they exist), or point CODEX_LEDGER at a writable file`,
    )
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return new LedgerFileError(
      'LEDGER_LOCKED',
      `ledger ${path} is locked by another process (${message})`,
      'retry once that process is done; CODEX_LEDGER_BUSY_MS sets how long to wait for it',
    )
  if (code === 'SQLITE_FULL' || code === 'ENOSPC')
    return new LedgerFileError(
      'LEDGER_FULL',
      `no space left on the disk of ledger ${path} (${message})`,
      'free space there (df -h), or point CODEX_LEDGER at a file on another disk',
    )
  if (
    code.startsWith('SQLITE_CANTOPEN') ||
    code === 'ENOTDIR' ||
    code === 'ENOENT' ||
    code === 'EEXIST' ||
    code === 'ENAMETOOLONG'
  )
    return new LedgerFileError(
      'LEDGER_CANTOPEN',
      `cannot open ledger ${path} (${message})`,
      `check that ${dir} is a folder you can write (ls -ld ${dir}), or point CODEX_LEDGER at another file`,
    )
  if (code.startsWith('SQLITE_IOERR') || code === 'EIO')
    return new LedgerFileError(
      'LEDGER_IO',
      `I/O error on ledger ${path} (${message})`,
      'check the disk (dmesg, df -h) and retry; if it persists, move the ledger aside and import the fallback',
    )
  return error
}

/** Runs `fn`, turning ledger-file failures into UserErrors (see ledgerError). */
export async function withLedgerErrors<T>(path: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (error) {
    throw ledgerError(error, path)
  }
}

/** Synchronous withLedgerErrors. */
export function withLedgerErrorsSync<T>(path: string, fn: () => T): T {
  try {
    return fn()
  } catch (error) {
    throw ledgerError(error, path)
  }
}

// --- internal ---

/** True when `folder` is `dir` or a folder above it. */
function isFolderOf(folder: string, dir: string): boolean {
  return dir === folder || dir.startsWith(folder.endsWith(sep) ? folder : `${folder}${sep}`)
}
