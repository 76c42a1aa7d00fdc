import type { LedgerReads } from '../../ledger/ledger.ts'
import { type MaskedReads, maskedReads } from '../../ledger/masked-reads.ts'
import { locationOf } from './findings-section.ts'

/** Lists in the periodic summary are cut to this many rows. */
export const PERIODIC_LIMIT = 25

export interface PeriodicSummary {
  window: string
  since: string
  until: string
  sessions: { total: number; by_status: Record<string, number>; by_kind: Record<string, number> }
  /** Sessions that passed among those that finished (passed + failed); null without any. */
  pass_rate: number | null
  /** Passed tests among passed + failed test results. */
  test_pass_rate: number | null
  projects: { project: string; sessions: number; mean_duration_ms: number; pass_rate: number | null }[]
  findings: { opened: number; resolved: number; opened_list: FindingChange[]; resolved_list: FindingChange[] }
  coverage: { scope: string; from: number | null; to: number | null; delta: number | null }[]
  slowest_growing: {
    project: string
    file: string
    name: string
    from_ms: number
    to_ms: number
    growth_ms: number
    samples: number
  }[]
}

export interface FindingChange {
  gate: string
  rule: string
  location: string
  message: string
  fingerprint: string
}

/**
 * The periodic summary over sessions started in [now − windowMs, now]: sessions and pass rate,
 * mean test time per project, findings opened and resolved (per gate, against its last run before
 * the window), coverage change per scope, and the tests whose duration grew most. The ledger is
 * read masked (`maskedReads`): every string is masked before it is rendered.
 */
export function periodicSummary(
  source: LedgerReads,
  windowMs: number,
  window: string,
  now: number,
  envSecrets?: readonly string[],
): PeriodicSummary {
  const ledger = maskedReads(source, envSecrets)
  const since = new Date(now - windowMs).toISOString()
  const until = new Date(now).toISOString()
  const sessions = ledger.all<{ id: string; kind: string; status: string }>(
    'SELECT id, kind, status FROM sessions WHERE started_at >= ? AND started_at <= ? ORDER BY started_at, rowid',
    since,
    until,
  )
  const byStatus = countBy(sessions.map((s) => s.status))
  const finished = (byStatus.passed ?? 0) + (byStatus.failed ?? 0)
  const tests = ledger.get<{ passed: number; failed: number }>(
    `SELECT COALESCE(SUM(t.state = 'passed'), 0) AS passed, COALESCE(SUM(t.state = 'failed'), 0) AS failed
       FROM test_results t JOIN sessions s ON s.id = t.session_id WHERE s.started_at >= ? AND s.started_at <= ?`,
    since,
    until,
  ) ?? { passed: 0, failed: 0 }
  const summary: PeriodicSummary = {
    window,
    since,
    until,
    sessions: { total: sessions.length, by_status: byStatus, by_kind: countBy(sessions.map((s) => s.kind)) },
    pass_rate: finished ? ratio((byStatus.passed ?? 0) / finished) : null,
    test_pass_rate: tests.passed + tests.failed ? ratio(tests.passed / (tests.passed + tests.failed)) : null,
    projects: projectTimes(ledger, since, until),
    findings: findingChanges(ledger, since, until),
    coverage: coverageChange(ledger, since, until),
    slowest_growing: slowestGrowing(ledger, since, until),
  }
  return summary
}

// --- internal ---

function projectTimes(ledger: MaskedReads, since: string, until: string): PeriodicSummary['projects'] {
  return ledger
    .all<{ project: string; sessions: number; mean_duration_ms: number; passed: number; failed: number }>(
      `WITH per AS (
         SELECT COALESCE(t.project, '') AS project, t.session_id, SUM(COALESCE(t.duration_ms, 0)) AS ms,
                SUM(t.state = 'failed') AS failed
           FROM test_results t JOIN sessions s ON s.id = t.session_id
          WHERE s.started_at >= ? AND s.started_at <= ? GROUP BY COALESCE(t.project, ''), t.session_id)
       SELECT project, COUNT(*) AS sessions, ROUND(AVG(ms), 1) AS mean_duration_ms,
              SUM(failed = 0) AS passed, SUM(failed > 0) AS failed
         FROM per GROUP BY project ORDER BY project`,
      since,
      until,
    )
    .map(({ passed, failed, ...p }) => ({
      ...p,
      pass_rate: passed + failed ? ratio(passed / (passed + failed)) : null,
    }))
}

interface GateRun {
  session_id: string
  gate: string
  started_at: string
}

function findingChanges(ledger: MaskedReads, since: string, until: string): PeriodicSummary['findings'] {
  // A gate "ran" in a session when it has a passed/failed gate_runs row, or left findings there.
  const runs = ledger.all<GateRun>(
    `SELECT DISTINCT x.session_id, x.gate, s.started_at FROM (
        SELECT session_id, gate FROM gate_runs WHERE status IN ('passed', 'failed')
        UNION SELECT session_id, gate FROM findings) x
       JOIN sessions s ON s.id = x.session_id WHERE s.started_at <= ?
      ORDER BY s.started_at, s.rowid`,
    until,
  )
  const findings = findingsBySessionAndGate(ledger, until)
  const findingsOf = (sessionId: string, gate: string) =>
    findings.get(`${sessionId}\u0000${gate}`) ?? new Map<string, FindingChange>()
  const opened = new Map<string, FindingChange>()
  const resolved = new Map<string, FindingChange>()
  const gates = [...new Set(runs.map((r) => r.gate))].sort()
  for (const gate of gates) {
    const own = runs.filter((r) => r.gate === gate)
    const inWindow = own.filter((r) => r.started_at >= since)
    if (inWindow.length === 0) continue
    const before = own.filter((r) => r.started_at < since).pop()
    const baseline = before ? findingsOf(before.session_id, gate) : new Map<string, FindingChange>()
    const seen = new Map<string, FindingChange>()
    for (const run of inWindow)
      for (const [fp, f] of findingsOf(run.session_id, gate)) if (!seen.has(fp)) seen.set(fp, f)
    const final = findingsOf((inWindow[inWindow.length - 1] as GateRun).session_id, gate)
    for (const [fp, f] of seen) if (!baseline.has(fp)) opened.set(`${gate}\u0000${fp}`, f)
    for (const [fp, f] of [...baseline, ...seen]) if (!final.has(fp)) resolved.set(`${gate}\u0000${fp}`, f)
  }
  return {
    opened: opened.size,
    resolved: resolved.size,
    opened_list: [...opened.values()].slice(0, PERIODIC_LIMIT),
    resolved_list: [...resolved.values()].slice(0, PERIODIC_LIMIT),
  }
}

/** Every finding of sessions started up to `until`, keyed by session and gate, in one query. */
function findingsBySessionAndGate(ledger: MaskedReads, until: string): Map<string, Map<string, FindingChange>> {
  const rows = ledger.all<{
    session_id: string
    gate: string
    rule: string
    file: string | null
    line: number | null
    message: string
    fingerprint: string
  }>(
    `SELECT f.session_id, f.gate, f.rule, f.file, f.line, f.message, f.fingerprint
       FROM findings f JOIN sessions s ON s.id = f.session_id WHERE s.started_at <= ?
      ORDER BY f.session_id, f.gate, f.file, f.line, f.id`,
    until,
  )
  const out = new Map<string, Map<string, FindingChange>>()
  for (const f of rows) {
    const key = `${f.session_id}\u0000${f.gate}`
    let map = out.get(key)
    if (!map) {
      map = new Map()
      out.set(key, map)
    }
    map.set(f.fingerprint, {
      gate: f.gate,
      rule: f.rule,
      location: locationOf(f.file, f.line),
      message: f.message,
      fingerprint: f.fingerprint,
    })
  }
  return out
}

function coverageChange(ledger: MaskedReads, since: string, until: string): PeriodicSummary['coverage'] {
  const rows = ledger.all<{ scope: string; lines_pct: number | null; started_at: string }>(
    `SELECT c.scope, c.lines_pct, s.started_at FROM coverage c JOIN sessions s ON s.id = c.session_id
      WHERE s.started_at <= ? AND c.lines_pct IS NOT NULL ORDER BY s.started_at, s.rowid`,
    until,
  )
  const scopes = [...new Set(rows.filter((r) => r.started_at >= since).map((r) => r.scope))].sort()
  return scopes.map((scope) => {
    const own = rows.filter((r) => r.scope === scope)
    const before = own.filter((r) => r.started_at < since).pop()
    const inWindow = own.filter((r) => r.started_at >= since)
    const from = (before ?? inWindow[0])?.lines_pct ?? null
    const to = inWindow[inWindow.length - 1]?.lines_pct ?? null
    return { scope, from, to, delta: from === null || to === null ? null : Math.round((to - from) * 100) / 100 }
  })
}

function slowestGrowing(ledger: MaskedReads, since: string, until: string): PeriodicSummary['slowest_growing'] {
  // Mean of the first third of each test's passing runs against the mean of the last third
  // (robust to one slow outlier), computed in SQL so only one row per test comes back.
  const rows = ledger.all<{
    project: string
    file: string
    name: string
    samples: number
    from_ms: number
    to_ms: number
  }>(
    `WITH runs AS (
       SELECT COALESCE(t.project, '') AS project, COALESCE(t.file, '') AS file, t.name, t.duration_ms AS ms,
              ROW_NUMBER() OVER (PARTITION BY t.project, t.file, t.name ORDER BY s.started_at, s.rowid) AS n,
              COUNT(*) OVER (PARTITION BY t.project, t.file, t.name) AS samples
         FROM test_results t JOIN sessions s ON s.id = t.session_id
        WHERE s.started_at >= ? AND s.started_at <= ? AND t.state = 'passed' AND t.duration_ms IS NOT NULL)
     SELECT project, file, name, samples,
            AVG(CASE WHEN n <= (samples + 2) / 3 THEN ms END) AS from_ms,
            AVG(CASE WHEN n > samples - (samples + 2) / 3 THEN ms END) AS to_ms
       FROM runs WHERE samples >= 3 GROUP BY project, file, name, samples`,
    since,
    until,
  )
  const round = (v: number) => Math.round(v * 10) / 10
  return rows
    .filter((r) => r.to_ms > r.from_ms)
    .map((r) => ({
      project: r.project,
      file: r.file,
      name: r.name,
      from_ms: round(r.from_ms),
      to_ms: round(r.to_ms),
      growth_ms: round(r.to_ms - r.from_ms),
      samples: r.samples,
    }))
    .sort((a, b) => b.growth_ms - a.growth_ms || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .slice(0, 10)
}

function countBy(values: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const v of [...values].sort()) out[v] = (out[v] ?? 0) + 1
  return out
}

function ratio(v: number): number {
  return Math.round(v * 10000) / 10000
}
