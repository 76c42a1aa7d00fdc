// Builders for coverage summaries in the specs of src/domain/coverage.
import type { Metric } from '../../../src/domain/coverage/coverage-config.ts'
import type { Counts, CoverageMapLike, FileSummary, Summary } from '../../../src/domain/coverage/coverage-rows.ts'

/** Counts with istanbul's pct (floored to 0.01; 100 when empty). */
export function counts(covered: number, total: number): Counts {
  return { total, covered, skipped: 0, pct: total > 0 ? Math.floor((1000 * 100 * covered) / total / 10) / 100 : 100 }
}

/** A summary with the same covered/total for every metric, or per metric. */
export function summary(covered: number, total: number, per: Partial<Record<Metric, [number, number]>> = {}): Summary {
  const at = (m: Metric) => counts(...(per[m] ?? [covered, total]))
  return { lines: at('lines'), branches: at('branches'), functions: at('functions'), statements: at('statements') }
}

export function file(path: string, covered: number, total: number): FileSummary {
  return { file: path, summary: summary(covered, total) }
}

/** A stand-in for istanbul's CoverageMap over absolute paths. */
export function fakeMap(files: Record<string, Summary>): CoverageMapLike {
  return {
    files: () => Object.keys(files),
    fileCoverageFor: (f) => ({ toSummary: () => ({ toJSON: () => files[f] }) }),
  }
}
