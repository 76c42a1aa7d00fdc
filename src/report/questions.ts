import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { firstLine, formatDate, short, truncate } from './format.ts'
import type { ReportContext } from './report-context.ts'
import type { OutstandingQuestion, QuestionRow } from './report-summary.ts'

/**
 * An error-capture block (`errors.ndjson` line, or an assistant event's `data_json`). Blocks may
 * also name what failed (`project`/`file`/`name` for a test, `gate`); without them the test is
 * found by matching the block against the session's failed tests.
 */
export interface QuestionBlock {
  ts: string
  session_id: string
  step: string
  error: string
  context: string
  project?: string
  file?: string
  name?: string
  gate?: string
}

/** The seeds' question template, word for word. */
export function questionText(b: Pick<QuestionBlock, 'step' | 'error' | 'context'>): string {
  return `While performing ${b.step}, encountered the following error: ${b.error}. Context: ${b.context}. What are the possible causes, and how can this be resolved while preserving intended functionality?`
}

/**
 * An error reduced to what stays the same when the same failure happens again: its first line,
 * with numbers, ids, hex digests, temp paths and colour codes replaced by placeholders.
 */
export function normaliseError(error: string): string {
  return firstLine(error, 400)
    .replace(/\x1b\[[0-9;]*m/g, '')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>')
    .replace(/\b[0-9a-f]{12,}\b/gi, '<hex>')
    .replace(TEMP_PATH, '<tmp>')
    .replace(/\d+(?:\.\d+)?(?:e[+-]?\d+)?/gi, 'N')
    .replace(/\s+/g, ' ')
    .replace(/\.$/, '')
    .trim()
}

/**
 * A step reduced the same way, except for numbers: they tell steps apart (`test "case 3"` and
 * `test "case 4"` are two tests), where in an error they are the values that changed.
 */
export function normaliseStep(step: string): string {
  return step
    .replace(/\x1b\[[0-9;]*m/g, '')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>')
    .replace(TEMP_PATH, '<tmp>')
    .replace(/\s+/g, ' ')
    .trim()
}

/** The outstanding-questions fingerprint: the failing step plus its normalised error. */
export function questionFingerprint(step: string, error: string): string {
  return createHash('sha256')
    .update(`${normaliseStep(step)}\n${normaliseError(error)}`)
    .digest('hex')
    .slice(0, 12)
}

/** Paths under the usual temp folders: they differ on every run. */
const TEMP_PATH = /(?:\/tmp|\/private\/var\/folders|\/var\/folders|[A-Za-z]:\\[^\s]*\\Temp)[^\s'"`),;]*/g

/** The rendered session's questions, in the order they were raised. */
export function sessionQuestions(ctx: ReportContext): QuestionRow[] {
  return loadBlocks(ctx, ctx.session.id).map(({ block }) => ({
    ts: block.ts,
    step: block.step,
    error: block.error,
    context: block.context,
    question: questionText(block),
    fingerprint: questionFingerprint(block.step, block.error),
  }))
}

/**
 * The outstanding-questions ledger as of the rendered session: one row per fingerprint with first
 * and last sighting; Resolved once a session started after the last sighting passed the same test
 * (project + file + name) or the same gate, Open otherwise.
 */
export function outstandingQuestions(ctx: ReportContext): OutstandingQuestion[] {
  const groups = new Map<string, { rows: LoadedBlock[]; target: Target | null }>()
  const targets = new TargetFinder(ctx)
  for (const loaded of loadBlocks(ctx)) {
    const fp = questionFingerprint(loaded.block.step, loaded.block.error)
    const group = groups.get(fp) ?? { rows: [], target: null }
    group.rows.push(loaded)
    group.target = targets.find(loaded.block) ?? group.target
    groups.set(fp, group)
  }
  const history = new LaterRuns(ctx, [...groups.values()])
  const out: OutstandingQuestion[] = []
  for (const [fingerprint, { rows, target }] of groups) {
    const first = rows[0] as LoadedBlock
    const last = rows[rows.length - 1] as LoadedBlock
    const resolution = target ? history.firstPass(target, last.startedAt) : undefined
    out.push({
      fingerprint,
      step: last.block.step,
      blocker: truncate(firstLine(last.block.error, 300), 300),
      first_seen: first.startedAt,
      last_seen: last.startedAt,
      last_session: last.block.session_id,
      occurrences: new Set(rows.map((r) => r.block.session_id)).size,
      target: target ? describeTarget(target) : null,
      status: resolution ? 'Resolved' : 'Open',
      resolved_by: resolution?.id ?? null,
      resolved_at: resolution?.started_at ?? null,
      disposition: resolution
        ? `resolved: ${describeTarget(target as Target)} passed in session ${short(resolution.id)} on ${formatDate(resolution.started_at)}`
        : openDisposition(history, target, first.startedAt, last.startedAt),
    })
  }
  return out.sort(
    (a, b) =>
      (a.status === b.status ? 0 : a.status === 'Open' ? -1 : 1) ||
      compare(b.last_seen, a.last_seen) ||
      compare(a.fingerprint, b.fingerprint),
  )
}

// --- internal ---

interface LoadedBlock {
  block: QuestionBlock
  startedAt: string
}

type Target =
  | { kind: 'test'; project: string | null; file: string | null; name: string }
  | { kind: 'gate'; gate: string; test?: { project: string | null; file: string | null; name: string } }

/** Question blocks from the ledger's assistant events plus any in errors.ndjson the ledger lacks, oldest first. */
function loadBlocks(ctx: ReportContext, onlySession?: string): LoadedBlock[] {
  const rows = ctx.ledger.all<{ session_id: string; ts: string; data_json: string | null; started_at: string }>(
    `SELECT e.session_id, e.ts, e.data_json, s.started_at FROM events e JOIN sessions s ON s.id = e.session_id
      WHERE e.role = 'assistant' AND ${onlySession ? 'e.session_id = ?' : 's.started_at <= ?'}
      ORDER BY s.started_at, s.rowid, e.ts, e.id`,
    onlySession ?? ctx.cutoff,
  )
  const out: LoadedBlock[] = []
  const seen = new Set<string>()
  for (const row of rows) {
    const block = parseBlock(row.data_json, row.session_id, row.ts)
    if (!block) continue
    seen.add(blockKey(block))
    out.push({ block, startedAt: row.started_at })
  }
  const extra = readErrorLog(ctx.errorsPath).filter((b) => !onlySession || b.session_id === onlySession)
  if (extra.length === 0) return out
  const started = new Map<string, string | null>()
  for (const block of extra) {
    if (seen.has(blockKey(block))) continue
    if (!started.has(block.session_id)) {
      const s = ctx.ledger.get<{ started_at: string }>('SELECT started_at FROM sessions WHERE id = ?', block.session_id)
      started.set(block.session_id, s && s.started_at <= ctx.cutoff ? s.started_at : null)
    }
    const startedAt = started.get(block.session_id)
    if (startedAt) {
      seen.add(blockKey(block))
      out.push({ block, startedAt })
    }
  }
  return out.sort((a, b) => compare(a.startedAt, b.startedAt) || compare(a.block.ts, b.block.ts))
}

function parseBlock(json: string | null, sessionId: string, ts: string): QuestionBlock | undefined {
  if (!json) return undefined
  try {
    const data = JSON.parse(json) as Partial<QuestionBlock>
    if (typeof data.step !== 'string' || typeof data.error !== 'string') return undefined
    return {
      ...data,
      ts: typeof data.ts === 'string' ? data.ts : ts,
      session_id: typeof data.session_id === 'string' ? data.session_id : sessionId,
      step: data.step,
      error: data.error,
      context: typeof data.context === 'string' ? data.context : '',
    }
  } catch {
    return undefined
  }
}

/** errors.ndjson blocks; unreadable lines are skipped (the file is appended to by other processes). */
function readErrorLog(path: string | null): QuestionBlock[] {
  if (!path || !existsSync(path)) return []
  const out: QuestionBlock[] = []
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue
    const block = parseBlock(line, '', '')
    if (block?.session_id) out.push(block)
  }
  return out
}

function blockKey(b: QuestionBlock): string {
  return `${b.session_id}\u0000${b.step}\u0000${b.error}`
}

interface FailedTest {
  project: string | null
  file: string | null
  name: string
  error: string | null
}

/** Finds the test or gate a question is about, from the block's own fields or the session's failures. */
class TargetFinder {
  private readonly failed = new Map<string, { tests: FailedTest[]; gates: string[] }>()
  /** Failed gates per session, read in one pass: gate_runs has no index on session_id. */
  private readonly failedGates = new Map<string, string[]>()

  constructor(private readonly ctx: ReportContext) {
    const rows = ctx.ledger.all<{ session_id: string; gate: string }>(
      "SELECT DISTINCT session_id, gate FROM gate_runs WHERE status = 'failed' ORDER BY session_id, gate",
    )
    for (const r of rows) {
      const list = this.failedGates.get(r.session_id)
      if (list) list.push(r.gate)
      else this.failedGates.set(r.session_id, [r.gate])
    }
  }

  find(b: QuestionBlock): Target | null {
    const { tests, gates } = this.failuresOf(b.session_id)
    let test: FailedTest | undefined
    if (b.name) test = { project: b.project ?? null, file: b.file ?? null, name: b.name, error: null }
    else test = matchTest(b, tests)
    const gate = b.gate ?? gates.find((g) => gateMatches(g, b, test))
    if (gate) return test ? { kind: 'gate', gate, test } : { kind: 'gate', gate }
    return test ? { kind: 'test', project: test.project, file: test.file, name: test.name } : null
  }

  private failuresOf(sessionId: string): { tests: FailedTest[]; gates: string[] } {
    let entry = this.failed.get(sessionId)
    if (!entry) {
      entry = {
        tests: this.ctx.ledger.all<FailedTest>(
          "SELECT project, file, name, error FROM test_results WHERE session_id = ? AND state = 'failed' ORDER BY id",
          sessionId,
        ),
        gates: this.failedGates.get(sessionId) ?? [],
      }
      this.failed.set(sessionId, entry)
    }
    return entry
  }
}

/** The reporter's defaults: step `test "<name>"`, context `project <p>, file <f>`; else the error itself. */
function matchTest(b: QuestionBlock, tests: readonly FailedTest[]): FailedTest | undefined {
  const inContext = (t: FailedTest) => b.context.includes(`project ${t.project}, file ${t.file}`)
  const byStep = tests.filter((t) => b.step === `test "${t.name}"`)
  if (byStep.length > 0) return byStep.find(inContext) ?? byStep[0]
  const byLoad = tests.find((t) => b.step === `loading test file ${t.file}`)
  if (byLoad) return byLoad
  const error = normaliseError(b.error)
  const byError = tests.filter((t) => t.error !== null && normaliseError(t.error).includes(error))
  if (byError.length === 1) return byError[0]
  return byError.find(inContext) ?? tests.find((t) => b.step.includes(t.name) && inContext(t))
}

function gateMatches(gate: string, b: QuestionBlock, test: FailedTest | undefined): boolean {
  if (test?.file && new RegExp(`(^|/)${escapeRegExp(gate)}\\.gate\\.[cm]?[jt]s$`).test(test.file)) return true
  return new RegExp(`(^|[^A-Za-z0-9_-])${escapeRegExp(gate)}([^A-Za-z0-9_-]|$)`).test(b.step)
}

/** A run of a test or gate in a later session. */
interface LaterRun {
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
class LaterRuns {
  private readonly gates = new Map<string, LaterRun[]>()

  constructor(
    private readonly ctx: ReportContext,
    groups: readonly { rows: LoadedBlock[]; target: Target | null }[],
  ) {
    // Gates are few: read their later runs in one query.
    const gateNames = new Set<string>()
    let after: string | undefined
    for (const { rows, target } of groups) {
      if (target?.kind !== 'gate') continue
      gateNames.add(target.gate)
      const lastSeen = (rows[rows.length - 1] as LoadedBlock).startedAt
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

type TestRef = { project: string | null; file: string | null; name: string }

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

function openDisposition(history: LaterRuns, target: Target | null, firstSeen: string, lastSeen: string): string {
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

function describeTarget(t: Target): string {
  if (t.kind === 'gate') return `gate ${t.gate}`
  return `test ${[t.project, t.file, t.name].filter(Boolean).join(' › ')}`
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
