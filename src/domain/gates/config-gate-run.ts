import type { ArtifactMeta, EventMeta, TrainingRunMeta } from '../../ledger/ledger-meta.ts'
import type { Finding } from './finding.ts'

/**
 * What one gate from configuration (a command gate, a `.pre-commit-config.yaml` hook) produced:
 * the data behind its `gate_runs` row, findings, events, artifacts and, for smoke gates, its
 * training run. The built-in gates' `GateRun`, with a free-form name.
 */
export interface ConfigGateRun {
  gate: string
  status: 'passed' | 'failed' | 'cached' | 'skipped'
  reason?: string
  findings: Finding[]
  events: EventMeta[]
  artifacts: ArtifactMeta[]
  trainingRuns: TrainingRunMeta[]
  /** Fixer hooks: the bytes they would write, by repo-relative path (applied only by the hook, opt-in). */
  fixes?: Map<string, Uint8Array>
  cacheKey?: string
  cachedFrom?: string
  durationMs: number
  fileCount: number
}

/** A run that did nothing: skipped with a reason. */
export function skippedRun(gate: string, reason: string, durationMs = 0, fileCount = 0): ConfigGateRun {
  return {
    gate,
    status: 'skipped',
    reason,
    findings: [],
    events: [],
    artifacts: [],
    trainingRuns: [],
    durationMs,
    fileCount,
  }
}
