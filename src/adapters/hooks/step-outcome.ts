import type { GateBaseline } from '../../domain/gates/baseline.ts'
import type { Finding } from '../../domain/gates/finding.ts'
import type { SeverityOverride } from '../../domain/gates/gates-config.ts'
import type { EventMeta } from '../../ledger/ledger-meta.ts'
import type { WorkerStep } from './worker-protocol.ts'

export type StepStatus = 'passed' | 'failed' | 'skipped' | 'timeout' | 'error' | 'interrupted'

/** What one hook step did: status, wall time, how many files it saw, its findings. */
export interface StepOutcome {
  name: string
  status: StepStatus
  durationMs: number
  files: number
  findings: Finding[]
  events: EventMeta[]
  /** Why it was skipped, timed out or errored. */
  reason?: string
  /** For skips by `SKIP=`: who and when, for the ledger. */
  skippedBy?: { who: string; at: string }
}

/** A gate step ready to run: its files, resolved config, timeout and severity overrides. */
export interface PlannedStep extends WorkerStep {
  timeoutMs: number
  severity: Record<string, SeverityOverride>
  /**
   * For steps that read the whole tree for context (link targets): only findings in these files
   * count. Undefined: every finding counts.
   */
  reportOnly?: readonly string[]
  /** The gate's baseline as committed: the findings it accepts do not block. */
  baseline?: GateBaseline
}
