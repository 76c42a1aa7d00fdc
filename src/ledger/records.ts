/** Tables a record may target; each row is a plain object of that table's columns. */
export type LedgerTable =
  | 'sessions'
  | 'test_results'
  | 'events'
  | 'findings'
  | 'gate_runs'
  | 'coverage'
  | 'artifacts'
  | 'commits'
  | 'training_runs'
  | 'metrics'
  | 'checkpoints'

/** Every table a record may target, in schema order. */
export const LEDGER_TABLES: readonly LedgerTable[] = [
  'sessions',
  'test_results',
  'events',
  'findings',
  'gate_runs',
  'coverage',
  'artifacts',
  'commits',
  'training_runs',
  'metrics',
  'checkpoints',
]

export type SqlValue = string | number | bigint | null
export type LedgerRow = Record<string, SqlValue>

/**
 * One row bound for the ledger. `rid` is unique per record, so the NDJSON fallback can be
 * imported exactly once. Tables keyed by id (`sessions`, `training_runs`, `commits`) are upserted.
 */
export interface LedgerRecord {
  rid: string
  table: LedgerTable
  row: LedgerRow
}

/** Tables whose rows replace an earlier row with the same primary key. */
export const UPSERT_KEYS: Partial<Record<LedgerTable, string>> = {
  sessions: 'id',
  training_runs: 'id',
  commits: 'sha',
}

/**
 * True for the append-only tables: their rows keep the writing record's `rid` in a `rid` column
 * (unique), the id `ledger export` gives them. Keyed tables are identified by their key instead.
 */
export function carriesRid(table: LedgerTable): boolean {
  return UPSERT_KEYS[table] === undefined
}

/** Columns limited to a set of values: the schema's CHECK constraints, for messages that name them. */
export const ENUM_COLUMNS: Partial<Record<LedgerTable, Readonly<Record<string, readonly string[]>>>> = {
  sessions: { status: ['running', 'passed', 'failed', 'interrupted', 'aborted'] },
  test_results: { state: ['passed', 'failed', 'skipped', 'todo'] },
  events: { role: ['system', 'tool', 'assistant'] },
  gate_runs: { status: ['passed', 'failed', 'cached', 'skipped'] },
  checkpoints: { status: ['writing', 'committed', 'deleted'] },
}

export type SessionStatus = 'running' | 'passed' | 'failed' | 'interrupted' | 'aborted'
export type TestState = 'passed' | 'failed' | 'skipped' | 'todo'
