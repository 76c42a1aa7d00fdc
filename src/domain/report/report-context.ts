import type { LedgerReads } from '../../ledger/ledger.ts'
import type { MaskedReads } from '../../ledger/masked-reads.ts'

/** A `sessions` row as the report reads it. */
export interface SessionRow {
  id: string
  kind: string
  status: string
  command: string | null
  started_at: string
  ended_at: string | null
  duration_ms: number | null
  git_sha: string | null
  git_branch: string | null
  git_dirty: number | null
  host: string | null
  node_version: string | null
  os: string | null
}

/**
 * What every section builder gets: the ledger (read masked: every string a section sees is masked
 * before it is rendered), the rendered session, and the history cut-off. Sections look only at
 * sessions started at or before the rendered one, so re-rendering an old session gives the report
 * it had then.
 */
export interface ReportContext {
  ledger: MaskedReads
  session: SessionRow
  /** `started_at` of the rendered session: history is everything at or before it. */
  cutoff: string
  /** The error-capture log beside the ledger (`errors.ndjson`), read for questions the ledger lacks. */
  errorsPath: string | null
}

export const SESSION_COLUMNS =
  'id, kind, status, command, started_at, ended_at, duration_ms, git_sha, git_branch, git_dirty, host, node_version, os'

/** The session with this exact id, or undefined. */
export function sessionById(ledger: LedgerReads, id: string): SessionRow | undefined {
  return ledger.get<SessionRow>(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = ?`, id)
}

/** The newest session (by start time, then insertion order), or undefined for an empty ledger. */
export function latestSession(ledger: LedgerReads): SessionRow | undefined {
  return ledger.get<SessionRow>(`SELECT ${SESSION_COLUMNS} FROM sessions ORDER BY started_at DESC, rowid DESC LIMIT 1`)
}
