import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { UserError } from '../foundation/errors/user-error.ts'
import type { Ledger } from './ledger.ts'
import { openLedger } from './open-ledger.ts'
import { carriesRid, LEDGER_TABLES, type LedgerRecord, type LedgerRow } from './records.ts'

/** What merging one source ledger did. */
export interface MergeResult {
  source: string
  /** The source's schema version before it was read (older ones are migrated on a copy). */
  schemaVersion: number
  rows: number
  /** Rows that changed the target (0 on a re-merge). */
  added: number
}

/**
 * Merges every row of each source ledger into `into` (created if absent): a team ledger is a
 * shared file merged into. Idempotent: append-only rows keep their `rid` and are added once;
 * keyed rows (sessions, training runs, commits) are upserted and marked by a hash of their
 * content, so a re-merge adds nothing and a session that ended since the last merge is updated.
 * Sessions from different machines keep their own ids (and their rows their host). A source of
 * an older schema is migrated on a copy (the source is never written); a newer one is refused
 * (exit 2, LEDGER_TOO_NEW) before anything is written.
 */
export function mergeLedgers(sources: readonly string[], into: string): MergeResult[] {
  const target = resolve(into)
  for (const source of sources) {
    if (resolve(source) === target)
      throw new UserError('BAD_USAGE', `ledger merge: ${source} is also --into`, 'merge other ledgers into it')
    if (!existsSync(source))
      throw new UserError('BAD_USAGE', `ledger merge: no such ledger ${source}`, 'pass existing .db files')
  }
  // Every source's version first: a newer one is refused before the target changes.
  const versions = sources.map((source) => {
    const ledger = openLedger(source, { readonly: true, reapAborted: false })
    try {
      return Number(ledger.pragma('user_version'))
    } finally {
      ledger.close()
    }
  })
  const out = openLedger(target, { reapAborted: false })
  try {
    return sources.map((source, i) => {
      const records = withCurrentSchema(source, (ledger) => readRecords(ledger, versions[i] as number))
      return {
        source,
        schemaVersion: versions[i] as number,
        rows: records.length,
        added: out.write(records, { importing: true }),
      }
    })
  } finally {
    out.close()
  }
}

/** sha256 of every table's rows (without local integer ids), sorted: equal for equal content. */
export function ledgerContentHash(ledger: Ledger): string {
  const hash = createHash('sha256')
  for (const table of LEDGER_TABLES) {
    const rows = ledger.all<LedgerRow>(`SELECT * FROM ${table}`).map((r) => JSON.stringify(withoutId(table, r)))
    hash.update(`${table}\n${rows.sort().join('\n')}\n`)
  }
  return hash.digest('hex')
}

// --- internal ---

/** Runs `read` on a migrated copy of the source (with its -wal, so nothing committed is missed). */
function withCurrentSchema<T>(source: string, read: (ledger: Ledger) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'codex-merge-'))
  try {
    const copy = join(dir, 'source.db')
    copyFileSync(source, copy)
    if (existsSync(`${source}-wal`)) copyFileSync(`${source}-wal`, `${copy}-wal`)
    const ledger = openLedger(copy, { reapAborted: false })
    try {
      return read(ledger)
    } finally {
      ledger.close()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * The source's rows as records. Rows of a ledger older than schema 3 had no `rid`: the migration
 * gives them random ones, different on every copy, so theirs are made from the row's place and
 * content instead (the same on every merge of the same file).
 */
function readRecords(ledger: Ledger, version: number): LedgerRecord[] {
  const records: LedgerRecord[] = []
  for (const table of LEDGER_TABLES) {
    for (const { _rowid, ...raw } of ledger.iterate<LedgerRow>(
      `SELECT rowid AS _rowid, * FROM ${table} ORDER BY rowid`,
    )) {
      const row = withoutId(table, raw)
      if (carriesRid(table)) {
        const { rid, ...rest } = row
        const stable = version >= RID_SCHEMA ? String(rid) : `merge:${table}:${_rowid}:${digest(rest)}`
        records.push({ rid: stable, table, row: rest })
      } else {
        records.push({ rid: `merge:${table}:${digest(row)}`, table, row })
      }
    }
  }
  return records
}

/** The schema version that gave every append-only row its `rid` (migrations.ts, 3). */
const RID_SCHEMA = 3

function digest(row: LedgerRow): string {
  return createHash('sha256').update(JSON.stringify(row)).digest('hex').slice(0, 32)
}

/** Append-only tables' integer `id` is local to one file: the `rid` identifies the row. */
function withoutId(table: (typeof LEDGER_TABLES)[number], row: LedgerRow): LedgerRow {
  if (!carriesRid(table)) return row
  const { id: _id, ...rest } = row
  return rest
}
