import { short } from './format.ts'
import type { ReportContext } from './report-context.ts'
import type { FailingTest, FlakyTest, TestTiming } from './report-summary.ts'

/** How many slowest tests are listed. */
export const SLOWEST_TESTS = 10
/** How many recent sessions (up to the rendered one) the flaky-test scan looks at. */
export const FLAKY_WINDOW = 20

/** Failed tests of the session, with their stored error (message and first stack frames). */
export function failingTests(ctx: ReportContext): FailingTest[] {
  return ctx.ledger.all<FailingTest>(
    `SELECT COALESCE(project, '') AS project, COALESCE(file, '') AS file, name,
            COALESCE(error, '(no error message recorded)') AS error, duration_ms
       FROM test_results WHERE session_id = ? AND state = 'failed' ORDER BY project, file, id`,
    ctx.session.id,
  )
}

/** The session's slowest tests. */
export function slowestTests(ctx: ReportContext): TestTiming[] {
  return ctx.ledger.all<TestTiming>(
    `SELECT COALESCE(project, '') AS project, COALESCE(file, '') AS file, name, duration_ms
       FROM test_results WHERE session_id = ? AND duration_ms IS NOT NULL AND state IN ('passed', 'failed')
      ORDER BY duration_ms DESC, id LIMIT ?`,
    ctx.session.id,
    SLOWEST_TESTS,
  )
}

/**
 * Flaky tests as of the rendered session: within the last `FLAKY_WINDOW` sessions, tests that
 * both passed and failed on the same git sha, or that passed only on a retry (`flaky` column).
 */
export function flakyTests(ctx: ReportContext, window = FLAKY_WINDOW): FlakyTest[] {
  const rows = ctx.ledger.all<Omit<FlakyTest, 'reason'> & { hosts: number; failed_on: string | null }>(
    `WITH recent AS (
       SELECT id, git_sha, host FROM sessions WHERE started_at <= ? ORDER BY started_at DESC, rowid DESC LIMIT ?)
     SELECT COALESCE(t.project, '') AS project, COALESCE(t.file, '') AS file, t.name, r.git_sha,
            SUM(t.state = 'passed') AS passed, SUM(t.state = 'failed') AS failed, SUM(t.flaky) AS retried,
            COUNT(DISTINCT COALESCE(t.host, r.host)) AS hosts,
            GROUP_CONCAT(DISTINCT CASE WHEN t.state = 'failed' OR t.flaky THEN COALESCE(t.host, r.host) END) AS failed_on
       FROM test_results t JOIN recent r ON r.id = t.session_id
      WHERE t.state IN ('passed', 'failed')
      GROUP BY t.project, t.file, t.name, r.git_sha
     HAVING (SUM(t.state = 'passed') > 0 AND SUM(t.state = 'failed') > 0) OR SUM(t.flaky) > 0
      ORDER BY failed DESC, retried DESC, project, file, t.name`,
    ctx.cutoff,
    window,
  )
  return rows.map(({ hosts, failed_on, ...r }) => ({ ...r, reason: flakyReason(r, hosts > 1 ? failed_on : null) }))
}

/** Why a test counts as flaky; on a team ledger (runs on several hosts) also where it failed. */
function flakyReason(r: Omit<FlakyTest, 'reason'>, failedOn: string | null): string {
  const parts: string[] = []
  if (r.passed > 0 && r.failed > 0) {
    parts.push(`passed ${r.passed}× and failed ${r.failed}× on ${r.git_sha ? short(r.git_sha) : 'an unknown sha'}`)
  }
  if (r.retried > 0) parts.push(`passed only on a retry ${r.retried}×`)
  const hosts = failedOn?.split(',') ?? []
  if (hosts.length) parts.push(hosts.length === 1 ? `failed only on ${hosts[0]}` : `failed on ${hosts.join(', ')}`)
  return parts.join('; ')
}
