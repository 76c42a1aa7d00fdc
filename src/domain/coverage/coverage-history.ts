import type { Ledger } from '../../ledger/ledger.ts'
import { METRICS } from './coverage-config.ts'
import type { BestByMetric } from './ratchet.ts'

export interface HistoryQuery {
  scope: string
  gitBranch: string | null
  /** Ignore sessions started before this ISO time. */
  since: string | null
}

/**
 * The best figure per metric recorded for `scope` on the same branch, over passed sessions only
 * (coverage of a failing run is no baseline). Ties go to the newest session.
 */
export function bestRecorded(ledger: Ledger, query: HistoryQuery): BestByMetric {
  const rows = ledger.all<Record<string, unknown>>(
    `SELECT c.session_id, c.report_path, c.lines_pct, c.branches_pct, c.functions_pct, c.statements_pct
       FROM coverage c JOIN sessions s ON s.id = c.session_id
      WHERE c.scope = ? AND c.git_branch IS ? AND s.status = 'passed' AND (? IS NULL OR s.started_at >= ?)
      ORDER BY s.started_at DESC, s.rowid DESC`,
    query.scope,
    query.gitBranch,
    query.since,
    query.since,
  )
  const best: BestByMetric = {}
  for (const row of rows) {
    for (const metric of METRICS) {
      const value = row[`${metric}_pct`]
      if (typeof value !== 'number') continue
      const held = best[metric]
      if (!held || value > held.value)
        best[metric] = {
          value,
          sessionId: String(row.session_id),
          reportPath: typeof row.report_path === 'string' ? row.report_path : null,
        }
    }
  }
  return best
}
