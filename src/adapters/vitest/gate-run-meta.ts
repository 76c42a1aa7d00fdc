import type { GateRun } from '../../domain/gates/run-gate.ts'
import type { LedgerMeta } from '../../ledger/ledger-meta.ts'

/**
 * What a gate's test hands the ledger reporter (task meta): findings, events, artifacts, its
 * gate_runs row, and the error-capture step and context. Shared by the gate specs and by
 * `codex-gates run`'s cached path, so both record the same rows.
 */
export function gateRunMeta(run: GateRun, context: string): LedgerMeta {
  return {
    findings: run.findings,
    events: run.events,
    artifacts: run.artifacts,
    gate: {
      gate: run.gate,
      status: run.status,
      cache_key: run.cacheKey,
      cached_from: run.cachedFrom,
      duration_ms: run.durationMs,
      reason: run.reason,
    },
    step: `gate ${run.gate}`,
    context: `${context}; scanned=${run.fileCount}${run.cacheKey ? `; cache_key=${run.cacheKey.slice(0, 16)}` : ''}`,
  }
}

/** The context line of a gate's error-capture block: the root, the config and the file mode. */
export function gateContext(root: string, configPath: string | undefined, files: string): string {
  return `GATES_ROOT=${root}; config=${configPath ?? '(defaults)'}; files=${files}`
}
