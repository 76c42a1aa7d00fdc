import type { GateBaseline } from '../../domain/gates/baseline.ts'
import { applyBaseline } from '../../domain/gates/baseline.ts'
import type { Finding } from '../../domain/gates/finding.ts'
import type { SeverityOverride } from '../../domain/gates/gates-config.ts'
import type { PlannedStep, StepOutcome } from './step-outcome.ts'

/**
 * Keeps the findings in `reportOnly` files (when given), applies per-rule severity overrides
 * (`off` drops the finding) and the gate's baseline, and decides the step's status.
 */
export function judge(
  findings: readonly Finding[],
  severity: Record<string, SeverityOverride>,
  reportOnly?: readonly string[],
  baseline?: GateBaseline,
): { findings: Finding[]; failed: boolean } {
  const only = reportOnly ? new Set(reportOnly) : undefined
  const kept: Finding[] = []
  for (const f of findings) {
    if (only && !(f.file !== null && only.has(f.file))) continue
    const override = severity[f.rule]
    if (override === 'off') continue
    kept.push(override ? { ...f, severity: override } : f)
  }
  const judged = applyBaseline(kept, baseline)
  return { findings: judged, failed: judged.some((f) => f.severity === 'error') }
}

/** A step that ended without a verdict (`error`; callers spread it into skipped, timeout, interrupted). */
export function errored(step: PlannedStep, reason: string, ms: number): StepOutcome {
  return {
    name: step.name,
    status: 'error',
    durationMs: ms,
    files: step.files.length,
    findings: [],
    events: [],
    reason,
  }
}
