import type { ConfigGateRun } from '../../domain/gates/config-gate-run.ts'
import type { ConfigGateEntry } from '../../domain/gates/config-gates.ts'
import { formatFinding } from '../../domain/gates/finding.ts'
import type { LedgerMeta } from '../../ledger/ledger-meta.ts'

/**
 * What a declared gate's test hands the ledger reporter (task meta): its gate_runs row, findings,
 * events, artifacts, training run and the error-capture step and context. Without a run (the gate
 * threw), a failed gate_runs row only. Shared by `gates/commands.gate.ts` and `codex-gates run`'s
 * in-process path, so both record the same rows.
 */
export function configGateMeta(
  entry: Pick<ConfigGateEntry, 'name' | 'source'>,
  where: { root: string; stage: string },
  run?: ConfigGateRun,
): LedgerMeta {
  const step = `gate ${entry.name}`
  const context = `GATES_ROOT=${where.root}; stage=${where.stage}; source=${entry.source}`
  if (!run) return { gate: { gate: entry.name, status: 'failed' }, step, context }
  return {
    findings: run.findings,
    events: run.events,
    artifacts: run.artifacts,
    trainingRuns: run.trainingRuns,
    gate: {
      gate: entry.name,
      status: run.status,
      cache_key: run.cacheKey,
      cached_from: run.cachedFrom,
      duration_ms: run.durationMs,
      reason: run.reason,
    },
    step,
    context: `${context}; files=${run.fileCount}`,
  }
}

/** A declared gate's verdict: its blocking findings as printed lines, and the error that fails its test, if any. */
export interface ConfigGateVerdict {
  blocking: string[]
  error?: Error
}

/**
 * Passed unless the run failed or has error findings; the error's one line names every blocking
 * finding, so the error-capture block keeps each file:line. Not for skipped runs.
 */
export function configGateVerdict(name: string, run: ConfigGateRun): ConfigGateVerdict {
  const blocking = run.findings.filter((f) => f.severity === 'error').map(formatFinding)
  const failures = run.status === 'failed' ? Math.max(1, blocking.length) : blocking.length
  if (failures === 0) return { blocking }
  const what = blocking.join(' | ') || run.reason || 'see its output'
  return { blocking, error: new Error(`${name} failed: ${failures} blocking finding(s): ${what}`) }
}
