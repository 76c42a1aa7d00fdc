import { randomUUID } from 'node:crypto'
import { hostname, constants as osConstants } from 'node:os'
import { join, resolve } from 'node:path'
import type {
  Reporter,
  SerializedError,
  TestCase,
  TestModule,
  TestRunEndReason,
  TestSpecification,
  Vitest,
} from 'vitest/node'
import { errorMessage } from '../../foundation/errors/user-error.ts'
import { envValue } from '../../foundation/settings/env-value.ts'
import { setting } from '../../foundation/settings/settings.ts'
import { appendErrorBlocks, type ErrorBlock } from '../../ledger/error-capture.ts'
import { DEFAULT_LEDGER_PATH, resolveLedgerPath, sidecarPaths } from '../../ledger/ledger-path.ts'
import { LedgerSink } from '../../ledger/ledger-sink.ts'
import { newRecordId } from '../../ledger/record-id.ts'
import type { LedgerRecord, LedgerRow, SessionStatus } from '../../ledger/records.ts'
import { type GitInfo, gitInfoAsync, sessionStartRow } from '../../ledger/session-info.ts'
import { CoverageRecorder } from '../vitest/coverage-recorder.ts'
import { mergedShardCoverage } from '../vitest/merged-shard-coverage.ts'
import { type CaseSnapshot, caseToRecords, moduleErrorToRecords, unhandledErrorRow } from './to-ledger-rows.ts'
import { TypecheckTimer } from './typecheck-timer.ts'

export interface LedgerReporterOptions {
  /** Ledger file; default `CODEX_LEDGER` or `.codex/session_logs.db`. */
  db?: string
  /** Session kind; default `CODEX_SESSION_KIND` or `vitest`. */
  kind?: string
  /** Render reports/ after each run (default true; `CODEX_REPORTS=0` turns it off). */
  render?: boolean
  /**
   * Results already known before Vitest started (gates `codex-gates run` reused from the cache
   * without running them), recorded in the run's session as if their tests had run.
   */
  preRecorded?: readonly CaseSnapshot[]
}

interface Counts {
  total: number
  passed: number
  failed: number
  skipped: number
  todo: number
}

/**
 * Writes every Vitest run into the session ledger: one `sessions` row per run (each watch rerun
 * its own), a `test_results` row per test, and the findings/events/artifacts tests attach as
 * meta. Batched per test module, one transaction each. Never throws into Vitest.
 */
export default class LedgerReporter implements Reporter {
  private readonly options: LedgerReporterOptions
  private vitest: Vitest | undefined
  private sink: LedgerSink | undefined
  private errorsPath = ''
  private sessionId: string | undefined
  private sessionRow: LedgerRow | undefined
  private startedAt = 0
  private counts: Counts = emptyCounts()
  private errorBlocks: ErrorBlock[] = []
  private git: Promise<GitInfo> | undefined
  /** The session's first records, until the first module is collected (see onTestRunStart). */
  private pending: LedgerRecord[] = []
  private readonly coverage = new CoverageRecorder()
  private readonly typecheck = new TypecheckTimer()
  /** This machine, stamped on each row; null when merging shards (their rows say where they ran). */
  private host: string | null = null
  private readonly onExit = (code: number) => this.finishOnExit(code)
  /** SIGHUP (terminal closed) and SIGTERM end the process without Vitest's onTestRunEnd. */
  private readonly onSignal = (signal: NodeJS.Signals) => this.interrupt(signal)

  constructor(options: LedgerReporterOptions = {}) {
    this.options = options
  }

  onInit(vitest: Vitest): void {
    this.vitest = vitest
    this.host = vitest.config.mergeReports ? null : hostname()
    this.git = gitInfoAsync(this.gitRoot()) // in parallel with Vitest's own start-up
    let ledgerPath: string
    try {
      // Relative defaults are the gated repository's (Vitest's root), whatever the working folder.
      ledgerPath = resolveLedgerPath(this.options.db ?? defaultLedgerIn(vitest.config.root))
    } catch (error) {
      ledgerPath = ''
      this.warn(`codex-gates: ledger disabled for this run: ${errorMessage(error)}`)
    }
    const side = sidecarPaths(ledgerPath || '.codex/session_logs.db')
    this.errorsPath = side.errors
    this.sink = new LedgerSink(ledgerPath || side.fallback.replace(/\.ndjson$/, '.unusable'), side.fallback, (l) =>
      this.warn(l),
    )
    process.once('exit', this.onExit)
  }

  async onTestRunStart(specifications: ReadonlyArray<TestSpecification>): Promise<void> {
    let git: GitInfo = { sha: null, branch: null, dirty: null, tree: null }
    try {
      // Each watch rerun is a new session at a possibly new commit: refresh after the first.
      git = await (this.git ?? gitInfoAsync(this.gitRoot()))
    } catch {
      // no git: the session row says so with nulls
    }
    this.git = undefined
    this.safely('start session', () => {
      this.sessionId = randomUUID()
      // Handed to the test workers (inject('codexSessionId')): gates point cached results at it.
      this.vitest?.provide('codexSessionId', this.sessionId)
      this.startedAt = performance.now()
      this.counts = emptyCounts()
      this.errorBlocks = []
      const projects = [...new Set(specifications.map((s) => s.project.name))].sort()
      this.sessionRow = sessionStartRowFor(this.sessionId, this.options.kind, projects, this.vitest, git)
      const record = this.record('sessions', this.sessionRow)
      this.sink?.setPreamble([record])
      // Written with the first module collected (or the first write before it), not now: a
      // ledger's first transaction syncs the new WAL file's header (10–150 ms), which here would
      // hold up Vitest starting its workers; once they run, the main thread's wait costs nothing.
      this.pending = [record, ...this.preRecordedRows(this.sessionId)]
      for (const signal of CLOSING_SIGNALS) process.on(signal, this.onSignal)
    })
  }

  onTestModuleCollected(testModule: TestModule): void {
    this.safely('time type checks', () => this.typecheck.collected(testModule))
    if (this.pending.length > 0) this.safely('start session', () => this.write([]))
  }

  onTestModuleEnd(testModule: TestModule): void {
    this.safely('record test module', () => this.flushModule(testModule))
  }

  /** Runs before onTestRunEnd (and before Vitest checks thresholds); src/domain/coverage does the work. */
  async onCoverage(map: unknown): Promise<void> {
    await this.coverage.onCoverage(this.vitest, map)
  }

  async onTestRunEnd(
    _modules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
    reason: TestRunEndReason,
  ): Promise<void> {
    const sessionId = this.sessionId
    if (!sessionId) return
    // A merge of shards never calls onCoverage (Vitest merges their coverage after this hook):
    // the shards' maps, merged here, stand in so thresholds and the ratchet run once, on the whole.
    const merged = await mergedShardCoverage(this.vitest)
    if (merged) await this.coverage.onCoverage(this.vitest, merged)
    this.safely('close session', () => {
      const records: LedgerRecord[] = []
      for (const error of unhandledErrors) records.push(this.record('events', unhandledErrorRow(sessionId, error)))
      const coverage = this.coverage.finish({
        vitest: this.vitest,
        sessionId,
        sessionRow: this.sessionRow,
        ledgerPath: this.sink && !this.sink.isDegraded ? this.sink.ledgerPath : null,
        testsFailed: reason === 'failed' || this.counts.failed > 0,
      })
      for (const r of coverage.records) records.push(this.record(r.table, r.row))
      this.errorBlocks.push(...coverage.errorBlocks)
      for (const line of coverage.messages) this.warn(line)
      if (coverage.failed) process.exitCode = 1
      const status: SessionStatus =
        reason === 'interrupted'
          ? 'interrupted'
          : reason === 'failed' || this.counts.failed > 0 || unhandledErrors.length || coverage.failed
            ? 'failed'
            : 'passed'
      records.push(this.record('sessions', this.endRow(status)))
      this.write(records)
      this.appendErrors()
    })
    for (const signal of CLOSING_SIGNALS) process.off(signal, this.onSignal)
    await this.render(sessionId)
    this.sessionId = undefined
  }

  onProcessTimeout(): void {
    this.safely('mark timeout', () => this.write([this.record('sessions', this.endRow('aborted'))]))
  }

  /**
   * A closing signal mid-run, handled like Ctrl-C: the session ends `interrupted` with what was
   * recorded so far, then the process exits as the signal would have (128 + its number), unless
   * another listener (Vitest's own, for SIGTERM) takes care of that.
   */
  private interrupt(signal: NodeJS.Signals): void {
    for (const s of CLOSING_SIGNALS) process.off(s, this.onSignal)
    const code = 128 + (osConstants.signals[signal] ?? 0)
    this.finishOnExit(code)
    process.exitCode ??= code
    if (process.listenerCount(signal) === 0) process.exit()
  }

  /** Vitest may exit before onTestRunEnd (Ctrl-C, a crash); keep the session honest. */
  private finishOnExit(code: number): void {
    this.safely('close session on exit', () => {
      if (this.sessionId) {
        const status: SessionStatus = INTERRUPTED_CODES.has(code) ? 'interrupted' : code === 0 ? 'passed' : 'failed'
        this.write([this.record('sessions', this.endRow(status))])
        this.appendErrors()
        this.sessionId = undefined // closed: the exit that follows a signal writes nothing more
      } else if (code !== 0 && this.sessionRow && this.sessionRow.status === 'passed') {
        // Coverage thresholds are checked after onTestRunEnd and turn a passed run into exit 1.
        this.write([this.record('sessions', { ...this.sessionRow, status: 'failed' })])
      }
      this.sink?.close()
    })
  }

  /**
   * Appends the run's error-capture blocks to the error log. They are in the records too (as
   * `assistant` events), so a log that cannot be written loses nothing; where the ledger is
   * already degraded (the same full or read-only folder) its one warning has said so.
   */
  private appendErrors(): void {
    try {
      appendErrorBlocks(this.errorsPath, this.errorBlocks)
    } catch (error) {
      if (!this.sink?.isDegraded)
        this.warn(
          `codex-gates: could not append to ${this.errorsPath} (${errorMessage(error)}); the questions are in the ledger`,
        )
    }
    this.errorBlocks = []
  }

  private flushModule(testModule: TestModule): void {
    const sessionId = this.sessionId
    if (!sessionId) return
    const records: LedgerRecord[] = []
    const moduleErrors = testModule.errors()
    if (moduleErrors.length > 0) {
      const rows = moduleErrorToRecords(sessionId, testModule.project.name, testModule.relativeModuleId, moduleErrors)
      records.push(...rows.records)
      this.errorBlocks.push(...rows.errorBlocks)
    }
    const typecheckShare = this.typecheck.caseShare(testModule)
    for (const testCase of testModule.children.allTests()) {
      const snapshot = { ...snapshotTestCase(testCase, typecheckShare), host: this.host }
      this.count(snapshot.state)
      const rows = caseToRecords(sessionId, snapshot)
      records.push(...rows.records)
      this.errorBlocks.push(...rows.errorBlocks)
    }
    this.write(records)
  }

  /** Writes records through the sink, after the session's start if it is still waiting. */
  private write(records: LedgerRecord[]): void {
    const all = this.pending.length > 0 ? [...this.pending.splice(0), ...records] : records
    if (all.length > 0) this.sink?.write(all)
  }

  private count(state: CaseSnapshot['state']): void {
    this.counts.total++
    this.counts[state]++
  }

  /** Rows of the pre-recorded cases, counted as this run's tests. */
  private preRecordedRows(sessionId: string): LedgerRecord[] {
    const records: LedgerRecord[] = []
    for (const c of this.options.preRecorded ?? []) {
      records.push(...caseToRecords(sessionId, { host: this.host, ...c }).records)
      this.counts.total++
      if (c.state === 'passed') this.counts.passed++
      else if (c.state === 'skipped') this.counts.skipped++
    }
    return records
  }

  private endRow(status: SessionStatus): LedgerRow {
    const row: LedgerRow = {
      ...(this.sessionRow ?? {}),
      status,
      ended_at: new Date().toISOString(),
      duration_ms: Math.round(performance.now() - this.startedAt),
      tests_total: this.counts.total,
      tests_passed: this.counts.passed,
      tests_failed: this.counts.failed,
      tests_skipped: this.counts.skipped,
      tests_todo: this.counts.todo,
    }
    this.sessionRow = row
    return row
  }

  /**
   * Whose commit the session records: the gated repository's (`GATES_ROOT`, set by
   * `npm run gates -- --root DIR`), else Vitest's root. Gating another tree must not stamp its
   * session with codex-gates' own sha, branch and dirty flag.
   */
  private gitRoot(): string | undefined {
    const gated = envValue('GATES_ROOT')
    return gated ? resolve(gated) : this.vitest?.config.root
  }

  /** A record for the sink, which masks it (ledger or fallback) on the way in. */
  private record(table: LedgerRecord['table'], row: LedgerRow): LedgerRecord {
    return { rid: newRecordId(), table, row }
  }

  private async render(sessionId: string): Promise<void> {
    const off = this.options.render === false || setting('CODEX_REPORTS') === false
    const inSpec = setting('CODEX_LEDGER_SPEC_GUARD') === true && !envValue('CODEX_REPORTS_DIR')
    if (off || inSpec || !this.sink || this.sink.isDegraded) return
    try {
      const { renderAfterRun } = await import('../../domain/report/render-after-run.ts')
      const result = renderAfterRun({
        ledgerPath: this.sink.ledgerPath,
        sessionId,
        reportsDir:
          envValue('CODEX_REPORTS_DIR') ?? (this.vitest ? join(this.vitest.config.root, 'reports') : undefined),
      })
      if (!result.ok) this.warn(`codex-gates: reports not rendered: ${result.error}`)
    } catch (error) {
      this.warn(`codex-gates: reports not rendered: ${errorMessage(error)}`)
    }
  }

  private safely(what: string, fn: () => void): void {
    try {
      fn()
    } catch (error) {
      this.warn(`codex-gates: ledger reporter could not ${what}: ${errorMessage(error)}`)
    }
  }

  private warn(line: string): void {
    process.stderr.write(`${line}\n`)
  }
}

// --- internal ---

/** `<root>/.codex/session_logs.db` unless CODEX_LEDGER names another file. */
function defaultLedgerIn(root: string): string | undefined {
  return envValue('CODEX_LEDGER') ? undefined : join(root, DEFAULT_LEDGER_PATH)
}

/** Signals that end a run early; SIGINT (Ctrl-C) is Vitest's to handle. */
const CLOSING_SIGNALS = ['SIGHUP', 'SIGTERM'] as const

/** Exit codes of a run ended by SIGHUP, SIGINT or SIGTERM (128 + the signal's number). */
const INTERRUPTED_CODES = new Set([129, 130, 143])

function emptyCounts(): Counts {
  return { total: 0, passed: 0, failed: 0, skipped: 0, todo: 0 }
}

function sessionStartRowFor(
  id: string,
  kind: string | undefined,
  projects: string[],
  vitest: Vitest | undefined,
  git: GitInfo,
): LedgerRow {
  return sessionStartRow(
    {
      id,
      kind: kind ?? envValue('CODEX_SESSION_KIND') ?? 'vitest',
      command: vitest?.config.watch ? 'vitest watch' : 'vitest run',
      argv: process.argv.slice(2),
      projects,
      parentId: envValue('CODEX_PARENT_SESSION') ?? null,
      cwd: vitest?.config.root,
    },
    git,
  )
}

/**
 * Reads what the ledger needs off a Vitest TestCase. `typecheckShare` (ms) stands in for the
 * duration Vitest does not give type-check cases (see TypecheckTimer).
 */
export function snapshotTestCase(testCase: TestCase, typecheckShare?: number): CaseSnapshot {
  const result = testCase.result()
  const diagnostic = testCase.diagnostic()
  const mode = testCase.options.mode
  const state = mode === 'todo' ? 'todo' : result.state === 'pending' ? 'skipped' : result.state
  return {
    id: testCase.id,
    project: testCase.project.name,
    file: testCase.module.relativeModuleId,
    name: testCase.fullName,
    state,
    durationMs: diagnostic
      ? Math.round(diagnostic.duration * 1000) / 1000
      : typecheckShare !== undefined && (state === 'passed' || state === 'failed')
        ? typecheckShare
        : null,
    retryCount: diagnostic?.retryCount ?? 0,
    flaky: diagnostic?.flaky ?? false,
    expectedFail: testCase.options.fails === true,
    errors: (result.errors ?? []).map((e) => ({ message: e.message, stack: e.stack, name: e.name })),
    skipReason: result.state === 'skipped' ? (result.note ?? null) : null,
    meta: testCase.meta().codexLedger,
  }
}
