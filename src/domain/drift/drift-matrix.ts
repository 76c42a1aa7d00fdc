import type { TableRow } from '../../foundation/cli/format-table.ts'
import { cellDependency } from './drift-cells.ts'

/** A project's tallies in one session (what `showSession` lists per project). */
export interface ProjectTally {
  project: string
  passed: number
  failed: number
  skipped: number
  todo: number
  duration_ms: number
}

/**
 * The drift matrix of a session: one row per drift:without-<dep> project that ran, with the
 * dependency it hid, its counts, test time and verdict.
 */
export function driftMatrix(projects: readonly ProjectTally[]): TableRow[] {
  return projects
    .map((p) => ({ p, without: cellDependency(p.project) }))
    .filter((x) => x.without !== null)
    .map(({ p, without }) => ({
      cell: p.project,
      without,
      passed: p.passed,
      failed: p.failed,
      skipped: p.skipped,
      secs: Math.round(p.duration_ms / 100) / 10,
      verdict: p.failed > 0 ? 'FAILED' : p.passed > 0 ? 'passed' : 'all skipped',
    }))
}
