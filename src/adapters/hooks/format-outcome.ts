import { formatFinding, sortFindings } from '../../domain/gates/finding.ts'
import { redactText } from '../../foundation/redact/redact.ts'
import type { StepOutcome } from './run-steps.ts'

/** A step's figure in the summary: `42ms`, `1.3s`. */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`
}

const MARK: Record<StepOutcome['status'], string> = {
  passed: '✓',
  failed: '✗',
  skipped: '–',
  timeout: '✗ timeout',
  error: '✗ error',
  interrupted: '✗ interrupted',
}

/**
 * The one line every hook run prints, naming each step's time (pre-commit only shows timings in
 * verbose mode; users keep asking for them):
 * `codex-gates pre-commit ✓ 3 files · snapshot 31ms · lint 42ms ✓ · docs-links – · total 0.61s`.
 */
export function formatSummary(
  hook: string,
  outcomes: readonly StepOutcome[],
  extra: { files: number; snapshotMs: number; totalMs: number },
): string {
  const failed = outcomes.some(isBlocking)
  const parts = [
    `codex-gates ${hook} ${failed ? '✗' : '✓'} ${extra.files} file${extra.files === 1 ? '' : 's'}`,
    `snapshot ${formatMs(extra.snapshotMs)}`,
    ...outcomes.map((o) =>
      o.status === 'skipped' ? `${o.name} ${MARK.skipped}` : `${o.name} ${formatMs(o.durationMs)} ${MARK[o.status]}`,
    ),
    `total ${formatMs(extra.totalMs)}`,
  ]
  return parts.join(' · ')
}

/** True for outcomes that refuse the commit. */
export function isBlocking(outcome: StepOutcome): boolean {
  return outcome.status !== 'passed' && outcome.status !== 'skipped'
}

/**
 * What the user reads when a step fails: per step, each finding as `gate file:line rule: what —
 * fix: how` (redacted), warnings too, then the way out.
 */
export function formatFailures(outcomes: readonly StepOutcome[]): string {
  const lines: string[] = []
  for (const o of outcomes) {
    const warnings = o.findings.filter((f) => f.severity === 'warn')
    if (!isBlocking(o) && warnings.length === 0) continue
    if (o.status === 'timeout' || o.status === 'error' || o.status === 'interrupted') {
      lines.push(`✗ ${o.name}: ${o.reason ?? o.status}`)
      if (o.status === 'timeout') {
        lines.push(`    fix: raise gates.${o.name}.timeout_ms in codex-gates.json, or SKIP=${o.name} for this commit`)
      }
      continue
    }
    const errors = o.findings.filter((f) => f.severity === 'error')
    lines.push(
      `${isBlocking(o) ? '✗' : '!'} ${o.name}: ${count(errors.length, 'error')}${warnings.length ? `, ${count(warnings.length, 'warning')}` : ''}`,
    )
    for (const f of sortFindings(o.findings))
      lines.push(`    ${f.severity === 'warn' ? '(warn) ' : ''}${formatFinding(f)}`)
  }
  return redactText(lines.join('\n'))
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`
}
