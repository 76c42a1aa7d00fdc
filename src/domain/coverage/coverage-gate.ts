import type { LedgerRow } from '../../ledger/records.ts'
import { type Finding, makeFinding } from '../gates/finding.ts'
import { type CoverageConfig, GLOBAL_SCOPE } from './coverage-config.ts'
import { coverageRows, type FileSummary, formatPct, type ScopeSummary, scopeSummaries } from './coverage-rows.ts'
import {
  type BestByMetric,
  type FileLoss,
  findRegressions,
  leastCovered,
  type Regression,
  type ThresholdViolation,
  thresholdViolations,
  worstFiles,
} from './ratchet.ts'

export const COVERAGE_GATE = 'coverage'

export interface CoverageGateInput {
  sessionId: string
  gitBranch: string | null
  config: CoverageConfig
  files: FileSummary[]
  /** Where this run's json-summary was archived (null when it was not). */
  reportPath: string | null
  testsFailed: boolean
  /** Best figures per scope on this branch, or why the history cannot be read (the ratchet then skips). */
  history: ((scope: string) => BestByMetric) | string
  /** An earlier session's archived per-file summary, or null when it is gone. */
  readArchive: (reportPath: string) => FileSummary[] | null
  now?: Date
}

export interface CoverageGateResult {
  status: 'passed' | 'failed' | 'skipped'
  reason: string
  scopes: ScopeSummary[]
  /** `coverage` table rows. */
  rows: LedgerRow[]
  findings: Finding[]
  regressions: Regression[]
  violations: ThresholdViolation[]
}

/**
 * The coverage gate of one full run: scopes (global + areas), thresholds, and the ratchet against
 * the best figures recorded on the same branch. Pure apart from the two callbacks.
 */
export function evaluateCoverageGate(input: CoverageGateInput): CoverageGateResult {
  const { config } = input
  const scopes = scopeSummaries(input.files, config)
  const rows = coverageRows(input.sessionId, input.gitBranch, scopes, input.reportPath)
  const global = scopes[0] as ScopeSummary
  const figures = `${GLOBAL_SCOPE}: lines ${formatPct(global.summary.lines.pct)}, branches ${formatPct(global.summary.branches.pct)} over ${global.files} files`
  if (input.testsFailed)
    return {
      status: 'skipped',
      reason: `tests failed, so thresholds and the ratchet were not checked (${figures})`,
      scopes,
      rows,
      findings: [],
      regressions: [],
      violations: [],
    }

  const violations = thresholdViolations(scopes, config)
  const findings = violations.map((v) => thresholdFinding(v, input))
  let regressions: Regression[] = []
  let ratchetNote: string
  if (typeof input.history === 'string') {
    ratchetNote = `ratchet not checked: ${input.history}`
  } else {
    const history = input.history
    const bests = new Map(scopes.map((s) => [s.scope, history(s.scope)]))
    regressions = findRegressions(scopes, (scope) => bests.get(scope) ?? {}, config.ratchet)
    findings.push(...regressions.map((r) => ratchetFinding(r, input)))
    const compared = [...bests.values()].filter((b) => Object.keys(b).length > 0).length
    ratchetNote =
      compared === 0
        ? `no earlier passed full run on ${branchName(input.gitBranch)}: this run is the baseline`
        : `ratchet ${regressions.length ? 'broken' : 'held'} for ${compared} scope${compared === 1 ? '' : 's'} on ${branchName(input.gitBranch)} (tolerance ${config.ratchet.tolerancePoints} points)`
  }
  const failed = findings.length > 0
  return {
    status: failed ? 'failed' : 'passed',
    reason: failed
      ? `${violations.length} below threshold, ${regressions.length} below the ratchet (${figures})`
      : `${figures}; ${ratchetNote}`,
    scopes,
    rows,
    findings,
    regressions,
    violations,
  }
}

// --- internal ---

function thresholdFinding(v: ThresholdViolation, input: CoverageGateInput): Finding {
  const least = leastCovered(input.files, v.scope, v.metric, input.config.ratchet.worstFiles)
  return makeFinding({
    gate: COVERAGE_GATE,
    rule: 'threshold',
    severity: 'error',
    file: least[0]?.file ?? null,
    line: null,
    message: `${v.scope}: ${v.metric} ${formatPct(v.actual)} is below the ${v.threshold}% threshold${least.length ? `; least covered: ${least.map(describeNow).join(', ')}` : ''}`,
    remediation: `add tests for the files named, or change the ${v.scope} threshold in configs/coverage.json`,
    identity: `${v.scope}:${v.metric}`,
  })
}

function ratchetFinding(r: Regression, input: CoverageGateInput): Finding {
  const limit = input.config.ratchet.worstFiles
  const archive = r.best.reportPath ? input.readArchive(r.best.reportPath) : null
  const losses = archive ? worstFiles(input.files, archive, r.scope, r.metric, limit) : []
  const lost = archive
    ? losses.length
      ? `; lost most: ${losses.map(describeLoss).join(', ')}`
      : ''
    : `; per-file figures of session ${r.best.sessionId.slice(0, 8)} are gone (${r.best.reportPath ?? 'never archived'}), least covered now: ${leastCovered(input.files, r.scope, r.metric, limit).map(describeNow).join(', ')}`
  const resetAt = (input.now ?? new Date()).toISOString()
  return makeFinding({
    gate: COVERAGE_GATE,
    rule: 'ratchet',
    severity: 'error',
    file: losses[0]?.file ?? null,
    line: null,
    message: `${r.scope}: ${r.metric} fell from ${formatPct(r.best.value)} to ${formatPct(r.current)} (−${r.drop.toFixed(2)} points; best on ${branchName(input.gitBranch)} in session ${r.best.sessionId.slice(0, 8)}, tolerance ${input.config.ratchet.tolerancePoints})${lost}`,
    remediation: `add tests for the files named; if the drop is intended, set "ratchet": { "resetAt": "${resetAt}" } in configs/coverage.json`,
    identity: `${r.scope}:${r.metric}`,
  })
}

function describeLoss(loss: FileLoss): string {
  const before = loss.before ? formatPct(loss.before.pct) : 'new'
  return `${loss.file} ${before} → ${formatPct(loss.after?.pct ?? 0)} (+${loss.uncoveredDelta} uncovered)`
}

function describeNow(loss: FileLoss): string {
  return `${loss.file} ${formatPct(loss.after?.pct ?? 0)} (${loss.uncoveredDelta} uncovered)`
}

function branchName(branch: string | null): string {
  return branch ? `branch ${branch}` : 'a detached HEAD'
}
