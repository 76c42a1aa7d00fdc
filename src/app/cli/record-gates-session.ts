import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import { join, relative } from 'node:path'
import { type CaseSnapshot, caseToRecords } from '../../adapters/reporter/to-ledger-rows.ts'
import { gateContext, gateRunMeta } from '../../adapters/vitest/gate-run-meta.ts'
import type { GateRun } from '../../domain/gates/run-gate.ts'
import { errorMessage } from '../../foundation/errors/user-error.ts'
import { envValue } from '../../foundation/settings/env-value.ts'
import { appendErrorBlocks, type ErrorBlock } from '../../ledger/error-capture.ts'
import type { Ledger } from '../../ledger/ledger.ts'
import { DEFAULT_LEDGER_PATH, resolveLedgerPath, sidecarPaths } from '../../ledger/ledger-path.ts'
import { LedgerSink } from '../../ledger/ledger-sink.ts'
import { newRecordId } from '../../ledger/record-id.ts'
import type { LedgerRecord, LedgerRow } from '../../ledger/records.ts'
import { type GitInfo, gitInfo, sessionStartRow } from '../../ledger/session-info.ts'

export interface GatesSessionOptions {
  root: string
  /** The session's id, when gates were handed it before they ran (their cache entries name it). */
  sessionId?: string
  /** Every selected gate's test case: reused or skipped built-in gates (gateRunCase), declared gates run in-process. */
  cases: readonly CaseSnapshot[]
  argv: readonly string[]
  /** HEAD, branch and dirtiness (default: asked of git now). */
  git?: GitInfo
  /** When the run began (performance.now()), for the session's duration; default: now. */
  startedAt?: number
  warn: (line: string) => void
  env?: NodeJS.ProcessEnv
  /** A signal stopped the run: the session ends `interrupted`, with the rows of what it did. */
  interrupted?: boolean
  /**
   * Called once the session is written, before the ledger closes, with its connection (undefined
   * when the ledger is unusable and the rows went to the fallback): what reads the session right
   * after (the reports) reads it there instead of opening the ledger again.
   */
  recorded?: (connection: Ledger | undefined) => void
}

/**
 * Records a gates run that did not start Vitest — built-in gates skipped or reused from the cache,
 * declared gates run in-process — as the Vitest run would have: one session, a `test_results`
 * row per gate in project `gates`, its gate_runs row, findings, events, artifacts and training
 * runs, and an error-capture block per failed gate (in the ledger and `errors.ndjson`). The rows
 * come from the reporter's own `caseToRecords`, so this run and a real one record the same things.
 * Returns the session id.
 */
export function recordGatesSession(options: GatesSessionOptions): string {
  const env = options.env ?? process.env
  const started = options.startedAt ?? performance.now()
  const sessionId = options.sessionId ?? randomUUID()
  const ledgerPath = resolveLedgerPath(envValue('CODEX_LEDGER', env) ?? join(options.root, DEFAULT_LEDGER_PATH), env)
  const side = sidecarPaths(ledgerPath, env)
  const sink = new LedgerSink(ledgerPath, side.fallback, options.warn)
  const start = sessionStartRow(
    {
      id: sessionId,
      kind: envValue('CODEX_SESSION_KIND', env) ?? 'vitest',
      command: 'codex-gates run',
      argv: [...options.argv],
      projects: ['gates'],
      parentId: envValue('CODEX_PARENT_SESSION', env) ?? null,
      cwd: options.root,
    },
    options.git ?? gitInfo(options.root),
  )
  const records: LedgerRecord[] = [{ rid: newRecordId(), table: 'sessions', row: start }]
  const counts = { passed: 0, failed: 0, skipped: 0, todo: 0 }
  const errorBlocks: ErrorBlock[] = []
  const host = hostname()
  for (const c of options.cases) {
    counts[c.state]++
    const rows = caseToRecords(sessionId, { host, ...c })
    records.push(...rows.records)
    errorBlocks.push(...rows.errorBlocks)
  }
  const end: LedgerRow = {
    ...start,
    status: options.interrupted ? 'interrupted' : counts.failed > 0 ? 'failed' : 'passed',
    ended_at: new Date().toISOString(),
    duration_ms: Math.round(performance.now() - started),
    tests_total: options.cases.length,
    tests_passed: counts.passed,
    tests_failed: counts.failed,
    tests_skipped: counts.skipped,
    tests_todo: counts.todo,
  }
  records.push({ rid: newRecordId(), table: 'sessions', row: end })
  try {
    sink.write(records)
    options.recorded?.(sink.connection)
  } finally {
    sink.close()
  }
  if (errorBlocks.length > 0) {
    try {
      appendErrorBlocks(side.errors, errorBlocks)
    } catch (error) {
      options.warn(
        `codex-gates: could not append to ${side.errors} (${errorMessage(error)}); the questions are in the ledger`,
      )
    }
  }
  return sessionId
}

/** The test case a gate spec would have produced for this result. */
export function gateRunCase(run: GateRun, file: string, files: string): CaseSnapshot {
  const state = run.status === 'skipped' ? 'skipped' : 'passed'
  return gateCase(file, run.gate, {
    state,
    durationMs: run.durationMs,
    skipReason: state === 'skipped' ? (run.reason ?? 'skipped') : null,
    meta: gateRunMeta(run, gateContext(run.root, run.configPath, files)),
  })
}

/** A test of project `gates` in `file`, as the ledger reporter reads one off Vitest. */
export function gateCase(
  file: string,
  name: string,
  result: Pick<CaseSnapshot, 'state' | 'durationMs' | 'skipReason' | 'meta'> & { errors?: CaseSnapshot['errors'] },
): CaseSnapshot {
  return { id: `${file}:${name}`, project: 'gates', file, name, retryCount: 0, flaky: false, errors: [], ...result }
}

/** `gates/<name>.gate.ts` as the run's root sees it. */
export function specFileIn(root: string, specsDir: string, extension: string): (gate: string) => string {
  return (gate) =>
    relative(root, join(specsDir, `${gate}.gate.${extension}`))
      .split('\\')
      .join('/')
}
