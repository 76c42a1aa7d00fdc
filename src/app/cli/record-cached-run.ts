import { randomUUID } from 'node:crypto'
import { join, relative } from 'node:path'
import { type CaseSnapshot, caseToRecords } from '../../adapters/reporter/to-ledger-rows.ts'
import { gateContext, gateRunMeta } from '../../adapters/vitest/gate-run-meta.ts'
import type { GateRun } from '../../domain/gates/run-gate.ts'
import { envValue } from '../../foundation/settings/env-value.ts'
import { DEFAULT_LEDGER_PATH, resolveLedgerPath, sidecarPaths } from '../../ledger/ledger-path.ts'
import { LedgerSink } from '../../ledger/ledger-sink.ts'
import { newRecordId } from '../../ledger/record-id.ts'
import type { LedgerRecord, LedgerRow } from '../../ledger/records.ts'
import { type GitInfo, gitInfo, sessionStartRow } from '../../ledger/session-info.ts'

export interface CachedRunOptions {
  root: string
  /** Every selected gate's result, each skipped or cached (cachedGateRun). */
  runs: readonly GateRun[]
  /** The gate spec file of each gate, as a real run's `test_results.file` names it (repo-relative). */
  specFile: (gate: string) => string
  argv: readonly string[]
  /** HEAD, branch and dirtiness (default: asked of git now). */
  git?: GitInfo
  /** The config's file mode (`tracked` | `worktree`), as the gate specs record it. */
  files: string
  warn: (line: string) => void
  env?: NodeJS.ProcessEnv
}

/**
 * Records a gates run that needed no scan — every gate skipped or reused from the cache — as the
 * Vitest run would have: one session, a `test_results` row per gate in project `gates`, its
 * gate_runs row, the cached findings and events. The rows come from the reporter's own
 * `caseToRecords`, so a cached run and a real one record the same things. Returns the session id.
 */
export function recordCachedRun(options: CachedRunOptions): string {
  const env = options.env ?? process.env
  const started = performance.now()
  const sessionId = randomUUID()
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
  let passed = 0
  let skipped = 0
  for (const run of options.runs) {
    const c = gateRunCase(run, options.specFile(run.gate), options.files)
    if (c.state === 'skipped') skipped++
    else passed++
    const rows = caseToRecords(sessionId, c)
    records.push(...rows.records)
  }
  const end: LedgerRow = {
    ...start,
    status: 'passed',
    ended_at: new Date().toISOString(),
    duration_ms: Math.round(performance.now() - started),
    tests_total: options.runs.length,
    tests_passed: passed,
    tests_failed: 0,
    tests_skipped: skipped,
    tests_todo: 0,
  }
  records.push({ rid: newRecordId(), table: 'sessions', row: end })
  sink.write(records)
  sink.close()
  return sessionId
}

/** The test case a gate spec would have produced for this result. */
export function gateRunCase(run: GateRun, file: string, files: string): CaseSnapshot {
  const state = run.status === 'skipped' ? 'skipped' : 'passed'
  return {
    id: `${file}:${run.gate}`,
    project: 'gates',
    file,
    name: run.gate,
    state,
    durationMs: run.durationMs,
    retryCount: 0,
    flaky: false,
    errors: [],
    skipReason: state === 'skipped' ? (run.reason ?? 'skipped') : null,
    meta: gateRunMeta(run, gateContext(run.root, run.configPath, files)),
  }
}

/** `gates/<name>.gate.ts` as the run's root sees it. */
export function specFileIn(root: string, specsDir: string, extension: string): (gate: string) => string {
  return (gate) =>
    relative(root, join(specsDir, `${gate}.gate.${extension}`))
      .split('\\')
      .join('/')
}
