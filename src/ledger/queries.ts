import { INSTALLED, userCommand } from '../foundation/cli/user-command.ts'
import { UserError } from '../foundation/errors/user-error.ts'
import type { Ledger } from './ledger.ts'

export interface SessionSummary {
  id: string
  kind: string
  status: string
  started_at: string
  ended_at: string | null
  duration_ms: number | null
  git_sha: string | null
  git_branch: string | null
  tests_total: number | null
  tests_passed: number | null
  tests_failed: number | null
  tests_skipped: number | null
  tests_todo: number | null
  projects_json: string | null
}

/**
 * Newest sessions first. A session closed without counts (aborted by the reaper, killed) gets
 * them from the test results it stored; a session with none keeps blanks.
 */
export function listSessions(ledger: Ledger, options: { limit?: number; kind?: string } = {}): SessionSummary[] {
  const where = options.kind ? 'WHERE kind = ?' : ''
  const params: unknown[] = options.kind ? [options.kind] : []
  return ledger.all<SessionSummary>(
    `WITH picked AS (
       SELECT rowid AS row_number, * FROM sessions ${where} ORDER BY started_at DESC, rowid DESC LIMIT ?
     ),
     counted AS (
       SELECT session_id, COUNT(*) AS total, SUM(state = 'passed') AS passed, SUM(state = 'failed') AS failed,
              SUM(state = 'skipped') AS skipped, SUM(state = 'todo') AS todo
         FROM test_results WHERE session_id IN (SELECT id FROM picked) GROUP BY session_id
     )
     SELECT p.id, p.kind, p.status, p.started_at, p.ended_at, p.duration_ms, p.git_sha, p.git_branch,
            ${['total', 'passed', 'failed', 'skipped', 'todo']
              .map((n) => `CASE WHEN p.tests_total IS NULL THEN c.${n} ELSE p.tests_${n} END AS tests_${n}`)
              .join(', ')},
            p.projects_json
       FROM picked p LEFT JOIN counted c ON c.session_id = p.id
      ORDER BY p.started_at DESC, p.row_number DESC`,
    ...params,
    options.limit ?? 20,
  )
}

/** Resolves `latest`, a full id or a unique id prefix to a session id. */
export function resolveSessionId(ledger: Ledger, ref: string): string {
  if (ref === 'latest') {
    const row = ledger.get<{ id: string }>('SELECT id FROM sessions ORDER BY started_at DESC, rowid DESC LIMIT 1')
    if (!row)
      throw new UserError(
        'NO_SESSIONS',
        `the ledger ${ledger.path} has no sessions yet`,
        `run ${INSTALLED ? '' : '`npm test` or '}\`${userCommand('run')}\` first`,
      )
    return row.id
  }
  const rows = ledger.all<{ id: string }>(
    'SELECT id FROM sessions WHERE id LIKE ? LIMIT 2',
    `${ref.replace(/[%_]/g, '')}%`,
  )
  if (rows.length === 1) return (rows[0] as { id: string }).id
  if (rows.length === 0)
    throw new UserError(
      'NO_SESSION',
      `no session ${ref} in ${ledger.path}`,
      `list them with \`${userCommand('ledger sessions')}\``,
    )
  throw new UserError(
    'AMBIGUOUS_SESSION',
    `session prefix ${ref} matches several sessions`,
    'give more characters of the id',
  )
}

export interface SessionDetail {
  session: Record<string, unknown>
  projects: { project: string; passed: number; failed: number; skipped: number; todo: number; duration_ms: number }[]
  failures: { project: string; file: string; name: string; error: string | null }[]
  /** Tests declared with `test.fails` (state `passed`: it failed as expected). */
  expectedFailures: { project: string; file: string; name: string; state: string }[]
  gates: Record<string, unknown>[]
  findings: Record<string, unknown>[]
  coverage: Record<string, unknown>[]
  events: Record<string, unknown>[]
}

/** One session with its per-project tallies (the drift matrix among them), failures, gates and findings. */
export function showSession(ledger: Ledger, id: string): SessionDetail {
  const session = ledger.get<Record<string, unknown>>('SELECT * FROM sessions WHERE id = ?', id) ?? {}
  const projects = ledger.all<SessionDetail['projects'][number]>(
    `SELECT COALESCE(project, '') AS project,
            SUM(state = 'passed') AS passed, SUM(state = 'failed') AS failed,
            SUM(state = 'skipped') AS skipped, SUM(state = 'todo') AS todo,
            ROUND(SUM(COALESCE(duration_ms, 0)), 1) AS duration_ms
       FROM test_results WHERE session_id = ? GROUP BY project ORDER BY project`,
    id,
  )
  const failures = ledger.all<SessionDetail['failures'][number]>(
    "SELECT project, file, name, error FROM test_results WHERE session_id = ? AND state = 'failed' ORDER BY project, file, id",
    id,
  )
  const expectedFailures = ledger.all<SessionDetail['expectedFailures'][number]>(
    'SELECT project, file, name, state FROM test_results WHERE session_id = ? AND expected_fail = 1 ORDER BY project, file, id',
    id,
  )
  const gates = ledger.all(
    'SELECT gate, status, duration_ms, findings_count, cached_from, reason FROM gate_runs WHERE session_id = ? ORDER BY gate',
    id,
  )
  const findings = ledger.all(
    'SELECT gate, severity, rule, file, line, message, remediation FROM findings WHERE session_id = ? ORDER BY gate, file, line',
    id,
  )
  const coverage = ledger.all(
    'SELECT scope, lines_pct, branches_pct, functions_pct, statements_pct FROM coverage WHERE session_id = ? ORDER BY scope',
    id,
  )
  const events = ledger.all(
    "SELECT ts, role, level, message FROM events WHERE session_id = ? AND (level IN ('warn','error') OR role = 'tool') ORDER BY id",
    id,
  )
  return { session, projects, failures, expectedFailures, gates, findings, coverage, events }
}

/**
 * Each test's state in one session's projects whose name starts with `prefix`, in the order they
 * were recorded: what the per-test drift matrix is built from.
 */
export function projectTestStates(ledger: Ledger, id: string, prefix: string) {
  return ledger.all<{ project: string; name: string; state: string }>(
    `SELECT project, name, state FROM test_results
      WHERE session_id = ? AND substr(project, 1, ?) = ? ORDER BY id`,
    id,
    prefix.length,
    prefix,
  )
}

/**
 * Failed tests of sessions started since `sinceMs` ago, newest first, each with the host that ran
 * it (the row's, else its session's: rows before schema 5 have none); `host` keeps one machine's.
 */
export function listFailures(ledger: Ledger, sinceMs: number, now = Date.now(), host?: string) {
  const since = new Date(now - sinceMs).toISOString()
  return ledger.all<{
    started_at: string
    session_id: string
    host: string | null
    project: string
    file: string
    name: string
    error: string | null
  }>(
    `SELECT s.started_at, t.session_id, COALESCE(t.host, s.host) AS host, t.project, t.file, t.name, t.error
       FROM test_results t JOIN sessions s ON s.id = t.session_id
      WHERE t.state = 'failed' AND s.started_at >= ?${host === undefined ? '' : ' AND COALESCE(t.host, s.host) = ?'}
      ORDER BY s.started_at DESC, t.id`,
    since,
    ...(host === undefined ? [] : [host]),
  )
}

/**
 * Tests whose outcome changed across the last `window` sessions that ran them on the same git
 * sha, plus tests that only passed on a retry; `failed_on` lists the hosts where they failed (a
 * test failing on one machine only). `host` counts only that machine's runs.
 */
export function listFlaky(ledger: Ledger, window: number, host?: string) {
  return ledger.all<{
    project: string
    file: string
    name: string
    git_sha: string | null
    passed: number
    failed: number
    retried: number
    failed_on: string | null
  }>(
    `WITH recent AS (SELECT id, git_sha, host FROM sessions ORDER BY started_at DESC, rowid DESC LIMIT ?)
     SELECT t.project, t.file, t.name, r.git_sha,
            SUM(t.state = 'passed') AS passed, SUM(t.state = 'failed') AS failed, SUM(t.flaky) AS retried,
            GROUP_CONCAT(DISTINCT CASE WHEN t.state = 'failed' OR t.flaky THEN COALESCE(t.host, r.host) END) AS failed_on
       FROM test_results t JOIN recent r ON r.id = t.session_id
      WHERE t.state IN ('passed', 'failed')${host === undefined ? '' : ' AND COALESCE(t.host, r.host) = ?'}
      GROUP BY t.project, t.file, t.name, r.git_sha
     HAVING (SUM(t.state = 'passed') > 0 AND SUM(t.state = 'failed') > 0) OR SUM(t.flaky) > 0
      ORDER BY failed DESC, retried DESC, t.name`,
    window,
    ...(host === undefined ? [] : [host]),
  )
}

/** The error-capture questions, newest first. */
export function listQuestions(ledger: Ledger, limit = 50) {
  return ledger.all<{ ts: string; session_id: string; message: string; data_json: string | null }>(
    "SELECT ts, session_id, message, data_json FROM events WHERE role = 'assistant' ORDER BY ts DESC, id DESC LIMIT ?",
    limit,
  )
}
