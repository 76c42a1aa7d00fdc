import type { ReportContext } from './report-context.ts'
import type { DriftCell, GateVerdict, ProjectVerdict, RecentSession, Tally, Verdict } from './report-summary.ts'

/** How many earlier sessions the "recent sessions" table lists. */
export const RECENT_SESSIONS = 15

/** The verdict a tally adds up to: any failure fails; else any pass passes; else skipped or todo. */
export function verdictOf(t: Tally): Verdict {
  if (t.failed > 0) return 'failed'
  if (t.passed > 0) return 'passed'
  if (t.skipped > 0) return 'skipped'
  return 'todo'
}

/** Per-project tallies of the rendered session (drift cells included). */
export function projectVerdicts(ctx: ReportContext): ProjectVerdict[] {
  const rows = ctx.ledger.all<Tally & { project: string; duration_ms: number }>(
    `SELECT COALESCE(project, '') AS project, COUNT(*) AS total,
            SUM(state = 'passed') AS passed, SUM(state = 'failed') AS failed,
            SUM(state = 'skipped') AS skipped, SUM(state = 'todo') AS todo,
            ROUND(SUM(COALESCE(duration_ms, 0)), 1) AS duration_ms
       FROM test_results WHERE session_id = ? GROUP BY COALESCE(project, '') ORDER BY project`,
    ctx.session.id,
  )
  return rows.map((r) => ({ ...r, verdict: verdictOf(r) }))
}

/** The session's totals across projects. */
export function totalsOf(projects: readonly Tally[]): Tally {
  const t: Tally = { total: 0, passed: 0, failed: 0, skipped: 0, todo: 0 }
  for (const p of projects) {
    t.total += p.total
    t.passed += p.passed
    t.failed += p.failed
    t.skipped += p.skipped
    t.todo += p.todo
  }
  return t
}

/** One row per gate the session ran: its status, skip reason, cache source, findings. */
export function gateVerdicts(ctx: ReportContext): GateVerdict[] {
  return ctx.ledger
    .all<GateVerdict>(
      `SELECT gate, status, reason, cached_from, duration_ms, COALESCE(findings_count, 0) AS findings
         FROM gate_runs WHERE session_id = ? ORDER BY gate, rowid`,
      ctx.session.id,
    )
    .map((g) => ({ ...g, status: g.status as GateVerdict['status'] }))
}

/** The drift matrix: projects named `drift:*` and `python-drift:*`, one cell each, with counts and skip reasons. */
export function driftMatrix(ctx: ReportContext, projects: readonly ProjectVerdict[]): DriftCell[] {
  return projects
    .filter((p) => p.project.startsWith('drift:') || p.project.startsWith('python-drift:'))
    .map((p) => {
      const reasons = ctx.ledger.all<{ reason: string }>(
        `SELECT skip_reason AS reason FROM test_results
          WHERE session_id = ? AND project = ? AND state = 'skipped' AND skip_reason IS NOT NULL
          GROUP BY skip_reason ORDER BY COUNT(*) DESC, skip_reason LIMIT 3`,
        ctx.session.id,
        p.project,
      )
      const { duration_ms: _duration, ...cell } = p
      return { ...cell, skip_reasons: reasons.map((r) => r.reason) }
    })
}

/** The sessions before the rendered one, newest first. */
export function recentSessions(ctx: ReportContext): RecentSession[] {
  return ctx.ledger.all<RecentSession>(
    `SELECT s.id, s.kind, s.status, s.started_at, s.duration_ms, s.git_sha,
            COALESCE(s.tests_passed, (SELECT COUNT(*) FROM test_results t WHERE t.session_id = s.id AND t.state = 'passed')) AS passed,
            COALESCE(s.tests_failed, (SELECT COUNT(*) FROM test_results t WHERE t.session_id = s.id AND t.state = 'failed')) AS failed
       FROM sessions s WHERE s.started_at <= ? AND s.id <> ?
      ORDER BY s.started_at DESC, s.rowid DESC LIMIT ?`,
    ctx.cutoff,
    ctx.session.id,
    RECENT_SESSIONS,
  )
}
