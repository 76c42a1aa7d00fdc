import { formatDate } from './format.ts'
import type { Target, TestRef } from './question-targets.ts'
import type { ReportContext } from './report-context.ts'

/** A run of a test or gate in a later session. */
export interface LaterRun {
  id: string
  started_at: string
  state: string
  skip_reason: string | null
}

/**
 * Looks up what happened to a question's test or gate after its last sighting. test_results has
 * no index on the test's name, so these queries walk sessions in time order from the sighting
 * (sessions_started) and read each session's rows (test_results_session), stopping at the first
 * hit: cheap when a failure is fixed soon after, or is still failing now.
 */
export class LaterRuns {
  private readonly gates = new Map<string, LaterRun[]>()

  constructor(
    private readonly ctx: ReportContext,
    /** Each question's target and the start of the session that last raised it. */
    questions: readonly { target: Target | null; lastSeen: string }[],
  ) {
    // Gates are few: read their later runs in one query.
    const gateNames = new Set<string>()
    let after: string | undefined
    for (const { target, lastSeen } of questions) {
      if (target?.kind !== 'gate') continue
      gateNames.add(target.gate)
      if (after === undefined || lastSeen < after) after = lastSeen
    }
    if (after === undefined) return
    const gates = [...gateNames]
    const rows = ctx.ledger.all<LaterRun & { gate: string }>(
      `SELECT g.gate, g.status AS state, g.reason AS skip_reason, s.id, s.started_at
         FROM gate_runs g JOIN sessions s ON s.id = g.session_id
        WHERE g.gate IN (${gates.map(() => '?').join(', ')}) AND s.started_at > ? AND s.started_at <= ?
        ORDER BY s.started_at, s.rowid`,
      ...gates,
      after,
      ctx.cutoff,
    )
    for (const r of rows) push(this.gates, r.gate, r)
  }

  /** The first session after `after` that passed the target: the gate (passed or cached), or its test. */
  firstPass(target: Target, after: string): LaterRun | undefined {
    if (target.kind === 'gate') {
      const gate = this.gates
        .get(target.gate)
        ?.find((r) => r.started_at > after && (r.state === 'passed' || r.state === 'cached'))
      if (gate) return gate
    }
    const test = target.kind === 'test' ? target : target.test
    return test ? this.testRun(test, after, "AND t.state = 'passed'", 'ASC') : undefined
  }

  /** The test's newest run after `after`. */
  latestTestRun(test: TestRef, after: string): LaterRun | undefined {
    return this.testRun(test, after, '', 'DESC')
  }

  /** The newest later session that ran any test of the same project and file. */
  latestFileRun(test: TestRef, after: string): LaterRun | undefined {
    if (test.file === null) return undefined
    return this.ctx.ledger.get<LaterRun>(
      `SELECT s.id, s.started_at, t.state, t.skip_reason FROM sessions s JOIN test_results t ON t.session_id = s.id
        WHERE s.started_at > ? AND s.started_at <= ? AND t.file = ? AND t.project ${test.project === null ? 'IS NULL' : '= ?'}
        ORDER BY s.started_at DESC, s.rowid DESC LIMIT 1`,
      after,
      this.ctx.cutoff,
      test.file,
      ...(test.project === null ? [] : [test.project]),
    )
  }

  private testRun(test: TestRef, after: string, extra: string, order: 'ASC' | 'DESC'): LaterRun | undefined {
    const where = testWhere(test)
    return this.ctx.ledger.get<LaterRun>(
      `SELECT s.id, s.started_at, t.state, t.skip_reason FROM sessions s JOIN test_results t ON t.session_id = s.id
        WHERE s.started_at > ? AND s.started_at <= ? AND ${where.sql} ${extra}
        ORDER BY s.started_at ${order}, s.rowid ${order} LIMIT 1`,
      after,
      this.ctx.cutoff,
      ...where.params,
    )
  }
}

/** `=` for values, `IS NULL` for nulls: `IS ?` would keep SQLite from using an index on these columns. */
function testWhere(test: TestRef): { sql: string; params: string[] } {
  const params: string[] = []
  const eq = (column: string, value: string | null) => {
    if (value === null) return `${column} IS NULL`
    params.push(value)
    return `${column} = ?`
  }
  return {
    sql: `${eq('t.project', test.project)} AND ${eq('t.file', test.file)} AND ${eq('t.name', test.name)}`,
    params,
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

/** What an Open question's target did after the last sighting, in words. */
export function openDisposition(
  history: LaterRuns,
  target: Target | null,
  firstSeen: string,
  lastSeen: string,
): string {
  if (!target) return 'open: no test or gate in the ledger matches this step, so it cannot be re-checked automatically'
  const test = target.kind === 'test' ? target : target.test
  if (test) {
    const later = history.latestTestRun(test, lastSeen)
    if (later?.state === 'skipped' || later?.state === 'todo') {
      return `deferred: skipped since ${formatDate(later.started_at)}${later.skip_reason ? ` (${later.skip_reason})` : ''}`
    }
    if (later?.state === 'failed')
      return `open: still failing on ${formatDate(later.started_at)}, now with another error`
    const fileRan = later ? undefined : history.latestFileRun(test, lastSeen)
    if (fileRan) {
      return `open: the test has not run since; its file ran on ${formatDate(fileRan.started_at)} without it (renamed or removed?)`
    }
  }
  const rerun =
    target.kind === 'gate'
      ? 'npm run gates'
      : `npx vitest run${test?.project ? ` --project ${test.project}` : ''}${test?.file ? ` ${test.file}` : ''}`
  const since =
    formatDate(firstSeen) === formatDate(lastSeen)
      ? `failed on ${formatDate(lastSeen)}`
      : `failing since ${formatDate(firstSeen)}, last on ${formatDate(lastSeen)}`
  return `open: ${since}; has not passed since (re-check with \`${rerun}\`)`
}
