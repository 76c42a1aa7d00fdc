import type { ReportContext } from './report-context.ts'
import type { ChartData, CoverageScope, CoverageSection } from './report-summary.ts'

/** Scopes drawn in the trend chart (the rendered session's first ones, alphabetically). */
export const TREND_SCOPES = 8

interface CoverageRow {
  session_id: string
  scope: string
  lines_pct: number | null
  branches_pct: number | null
  functions_pct: number | null
  statements_pct: number | null
}

/**
 * Coverage per scope for the rendered session, the change in lines % since the previous session
 * that recorded each scope, and a lines % trend over every session up to this one.
 */
export function coverageSection(ctx: ReportContext): CoverageSection | undefined {
  const current = ctx.ledger.all<CoverageRow>(
    `SELECT session_id, scope, lines_pct, branches_pct, functions_pct, statements_pct
       FROM coverage WHERE session_id = ? ORDER BY scope, rowid`,
    ctx.session.id,
  )
  if (current.length === 0) return undefined
  const history = ctx.ledger.all<CoverageRow & { started_at: string }>(
    `SELECT c.session_id, c.scope, c.lines_pct, c.branches_pct, c.functions_pct, c.statements_pct, s.started_at
       FROM coverage c JOIN sessions s ON s.id = c.session_id
      WHERE s.started_at <= ?
      ORDER BY s.started_at, s.rowid, c.scope`,
    ctx.cutoff,
  )
  // Session ordinals over the sessions that recorded coverage: the trend's x axis.
  const ordinal = new Map<string, number>()
  for (const row of history) if (!ordinal.has(row.session_id)) ordinal.set(row.session_id, ordinal.size + 1)
  const own = ordinal.get(ctx.session.id) ?? Number.POSITIVE_INFINITY

  const seen = new Set<string>()
  const scopes: CoverageScope[] = []
  for (const row of current) {
    if (seen.has(row.scope)) continue
    seen.add(row.scope)
    let previous: number | null = null
    for (const h of history) {
      const n = ordinal.get(h.session_id) as number
      if (h.scope === row.scope && n < own && h.lines_pct !== null) previous = h.lines_pct
    }
    scopes.push({
      scope: row.scope,
      lines_pct: row.lines_pct,
      branches_pct: row.branches_pct,
      functions_pct: row.functions_pct,
      statements_pct: row.statements_pct,
      lines_delta: previous === null || row.lines_pct === null ? null : round2(row.lines_pct - previous),
    })
  }

  const charted = scopes.slice(0, TREND_SCOPES).map((s) => s.scope)
  const trend: ChartData = {
    id: 'coverage-trend',
    title: 'Coverage (lines %) per scope',
    x_label: 'session #',
    y_label: 'lines %',
    series: charted.map((scope) => ({
      name: scope,
      points: history
        .filter((h) => h.scope === scope && (ordinal.get(h.session_id) as number) <= own)
        .map((h) => [ordinal.get(h.session_id) as number, h.lines_pct] as [number, number | null]),
    })),
  }
  const hasTrend = trend.series.some((s) => s.points.length > 1)
  return hasTrend ? { scopes, trend } : { scopes, trend: null }
}

function round2(v: number): number {
  return Math.round(v * 100) / 100
}
