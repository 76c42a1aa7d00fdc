import { type ErrorBlock, errorBlock, renderQuestion } from '../../ledger/error-capture.ts'
import type { FindingMeta, LedgerMeta } from '../../ledger/ledger-meta.ts'
import { newRecordId } from '../../ledger/record-id.ts'
import type { LedgerRecord, LedgerRow, LedgerTable, TestState } from '../../ledger/records.ts'

/** How many stack frames of each error are kept. */
export const STACK_FRAMES = 5

/** A test case reduced to plain data (what the reporter reads off Vitest's TestCase). */
export interface CaseSnapshot {
  id: string
  project: string
  file: string
  name: string
  state: TestState
  durationMs: number | null
  retryCount: number
  flaky: boolean
  /** Declared with `test.fails`: `passed` then means it failed as expected. */
  expectedFail?: boolean
  errors: { message: string; stack?: string; name?: string }[]
  skipReason: string | null
  meta?: LedgerMeta
  /** The machine that ran it, when the meta does not say (`meta.ranOn` wins: a merged shard's). */
  host?: string | null
}

export interface CaseRows {
  records: LedgerRecord[]
  errorBlocks: ErrorBlock[]
}

/**
 * Everything one test case puts into the ledger. Pure: no I/O. Not masked here: the ledger writer
 * and the JSON-lines writer mask every value on its way in.
 */
export function caseToRecords(sessionId: string, c: CaseSnapshot): CaseRows {
  const records: LedgerRecord[] = []
  const now = new Date().toISOString()
  const add = (table: LedgerTable, row: LedgerRow) => records.push({ rid: newRecordId(), table, row })
  const error = c.errors.length ? c.errors.map(formatError).join('\n\n') : null
  const meta = c.meta ?? {}

  add('test_results', {
    session_id: sessionId,
    project: c.project,
    file: meta.file ?? c.file,
    name: c.name,
    state: c.state,
    duration_ms: meta.durationMs ?? c.durationMs,
    retry_count: c.retryCount,
    flaky: c.flaky ? 1 : 0,
    expected_fail: c.expectedFail ? 1 : 0,
    error,
    skip_reason: c.skipReason,
    test_id: c.id,
    host: meta.ranOn?.host ?? c.host ?? null,
    shard: meta.ranOn?.shard ?? null,
  })

  for (const f of meta.findings ?? []) add('findings', findingRow(sessionId, f))
  if (meta.gate) {
    const g = meta.gate
    add('gate_runs', {
      session_id: sessionId,
      gate: g.gate,
      status: c.state === 'skipped' && g.status !== 'cached' ? 'skipped' : g.status,
      cache_key: g.cache_key ?? null,
      cached_from: g.cached_from ?? null,
      duration_ms: g.duration_ms ?? c.durationMs,
      findings_count: meta.findings?.length ?? 0,
      reason: g.reason ?? c.skipReason,
    })
  }
  for (const e of meta.events ?? []) {
    add('events', {
      session_id: sessionId,
      ts: now,
      role: e.role,
      level: e.level ?? 'info',
      message: e.message,
      data_json: e.data === undefined ? null : JSON.stringify(e.data),
    })
  }
  for (const a of meta.artifacts ?? []) {
    add('artifacts', {
      session_id: sessionId,
      kind: a.kind,
      path: a.path,
      sha256: a.sha256 ?? null,
      bytes: a.bytes ?? null,
      created_at: now,
    })
  }
  for (const t of meta.trainingRuns ?? []) {
    add('training_runs', { ...t.run, session_id: sessionId })
    for (const m of t.metrics ?? []) add('metrics', { ...m, run_id: t.run.id })
    for (const k of t.checkpoints ?? []) add('checkpoints', { ...k, run_id: t.run.id })
  }

  const errorBlocks: ErrorBlock[] = []
  if (c.state === 'failed') {
    const step = meta.step ?? `test "${c.name}"`
    const context = meta.context ?? `project ${c.project || '(default)'}, file ${c.file}`
    const block = errorBlock(sessionId, step, c.errors[0]?.message ?? 'failed without an error message', context)
    errorBlocks.push(block)
    add('events', {
      session_id: sessionId,
      ts: block.ts,
      role: 'assistant',
      level: 'error',
      message: renderQuestion(block),
      data_json: JSON.stringify(block),
    })
  }
  return { records, errorBlocks }
}

/** A finding as a `findings` row of the session. */
export function findingRow(sessionId: string, f: FindingMeta): LedgerRow {
  return {
    session_id: sessionId,
    gate: f.gate,
    severity: f.severity,
    rule: f.rule,
    file: f.file,
    line: f.line,
    message: f.message,
    remediation: f.remediation ?? null,
    fingerprint: f.fingerprint,
  }
}

/** An error as stored: `Name: message` and the first stack frames. */
export function formatError(e: { message: string; stack?: string; name?: string }): string {
  const head = e.name && e.name !== 'Error' && !e.message.startsWith(e.name) ? `${e.name}: ${e.message}` : e.message
  const frames = (e.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, STACK_FRAMES)
    .map((line) => line.trim())
  return frames.length ? `${head}\n${frames.map((f) => `  ${f}`).join('\n')}` : head
}

/** A module that failed to load (syntax error, import error) as a failed pseudo-test. */
export function moduleErrorToRecords(
  sessionId: string,
  project: string,
  file: string,
  errors: { message: string; stack?: string; name?: string }[],
): CaseRows {
  return caseToRecords(sessionId, {
    id: `module:${file}`,
    project,
    file,
    name: '(module failed to load)',
    state: 'failed',
    durationMs: null,
    retryCount: 0,
    flaky: false,
    errors,
    skipReason: null,
    meta: { step: `loading test file ${file}`, context: `project ${project}: the file could not be collected` },
  })
}

/** An error thrown outside any test (a stray timer, an unhandled rejection) as an `events` row. */
export function unhandledErrorRow(
  sessionId: string,
  error: { message?: string; name?: string; stack?: string },
): LedgerRow {
  return {
    session_id: sessionId,
    ts: new Date().toISOString(),
    role: 'system',
    level: 'error',
    message: `unhandled error: ${error.message ?? String(error)}`,
    data_json: JSON.stringify({ name: error.name, stack: error.stack }),
  }
}
