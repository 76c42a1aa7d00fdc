import type { CoverageConfig, Metric } from './coverage-config.ts'
import { type Counts, type FileSummary, inScope, type ScopeSummary } from './coverage-rows.ts'

/** The best figure recorded for a scope and metric on a branch, and where it came from. */
export interface BestFigure {
  value: number
  sessionId: string
  reportPath: string | null
}

export type BestByMetric = Partial<Record<Metric, BestFigure>>

export interface Regression {
  scope: string
  metric: Metric
  best: BestFigure
  current: number
  /** Points lost (best − current), rounded to 0.01. */
  drop: number
}

/** A file's part in a scope's drop: how many more items it leaves uncovered than before. */
export interface FileLoss {
  file: string
  before: Counts | null
  after: Counts | null
  uncoveredDelta: number
}

export interface ThresholdViolation {
  scope: string
  metric: Metric
  threshold: number
  actual: number
}

/** Scopes and metrics more than `tolerancePoints` below their best recorded figure. */
export function findRegressions(
  scopes: readonly ScopeSummary[],
  bestFor: (scope: string) => BestByMetric,
  ratchet: CoverageConfig['ratchet'],
): Regression[] {
  const regressions: Regression[] = []
  for (const s of scopes) {
    const best = bestFor(s.scope)
    for (const metric of ratchet.metrics) {
      const b = best[metric]
      const current = s.summary[metric].pct
      if (!b) continue
      const drop = round2(b.value - current)
      if (drop > ratchet.tolerancePoints) regressions.push({ scope: s.scope, metric, best: b, current, drop })
    }
  }
  return regressions
}

/**
 * The files of `scope` that lost most on `metric` since `previous`: ranked by the growth in
 * uncovered items (a new untested file counts in full; a deleted file does not count).
 */
export function worstFiles(
  current: readonly FileSummary[],
  previous: readonly FileSummary[],
  scope: string,
  metric: Metric,
  limit: number,
): FileLoss[] {
  const matches = inScope(scope)
  const before = new Map(previous.filter((f) => matches(f.file)).map((f) => [f.file, f.summary[metric]]))
  return current
    .filter((f) => matches(f.file))
    .map((f) => {
      const after = f.summary[metric]
      const was = before.get(f.file) ?? null
      const uncoveredDelta = uncovered(after) - (was ? uncovered(was) : 0)
      return { file: f.file, before: was, after, uncoveredDelta }
    })
    .filter((loss) => loss.uncoveredDelta > 0)
    .sort((a, b) => b.uncoveredDelta - a.uncoveredDelta || a.file.localeCompare(b.file))
    .slice(0, limit)
}

/** The files of `scope` with the most uncovered items on `metric` now (when there is no history to compare). */
export function leastCovered(
  current: readonly FileSummary[],
  scope: string,
  metric: Metric,
  limit: number,
): FileLoss[] {
  return worstFiles(current, [], scope, metric, limit)
}

/** Scopes below their configured minimum (`global` and each area). */
export function thresholdViolations(scopes: readonly ScopeSummary[], config: CoverageConfig): ThresholdViolation[] {
  const violations: ThresholdViolation[] = []
  for (const s of scopes) {
    const wanted = s.scope === 'global' ? config.global : (config.areas[s.scope] ?? {})
    for (const [metric, threshold] of Object.entries(wanted) as [Metric, number][]) {
      const actual = s.summary[metric].pct
      if (actual < threshold) violations.push({ scope: s.scope, metric, threshold, actual })
    }
  }
  return violations
}

// --- internal ---

function uncovered(c: Counts): number {
  return c.total - c.covered
}

function round2(v: number): number {
  return Math.round(v * 100) / 100
}
