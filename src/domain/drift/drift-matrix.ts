import type { TableRow } from '../../foundation/cli/format-table.ts'
import { cellDependency, pythonCellModule } from './drift-cells.ts'

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
 * The drift matrix of a session: one row per drift cell that ran — the npm cells
 * (`drift:without-<dep>`) and the Python test suite's (`python-drift:with-all`, the baseline,
 * and `python-drift:without-<module>`) — with what it hid, its counts, test time and verdict.
 */
export function driftMatrix(projects: readonly ProjectTally[]): TableRow[] {
  return projects
    .map((p) => ({ p, without: hiddenBy(p.project) }))
    .filter((x): x is { p: ProjectTally; without: string } => x.without !== undefined)
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

// --- internal ---

/** What a drift cell hid (`(nothing)` for the Python baseline); undefined for other projects. */
function hiddenBy(project: string): string | undefined {
  const dep = cellDependency(project)
  if (dep) return dep
  const module = pythonCellModule(project)
  if (module === undefined) return undefined
  return module ?? '(nothing)'
}
