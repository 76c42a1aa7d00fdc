import type { Finding } from '../../domain/gates/finding.ts'
import { errorMessage } from '../../foundation/errors/user-error.ts'
import { uptimeMs } from '../../foundation/process/uptime-ms.ts'
import { randomUuid } from '../../foundation/random/system-random.ts'
import type { Ledger } from '../../ledger/ledger.ts'
import type { EventMeta } from '../../ledger/ledger-meta.ts'
import { DEFAULT_LEDGER_PATH, resolveLedgerPath, sidecarPaths } from '../../ledger/ledger-path.ts'
import { LedgerSink } from '../../ledger/ledger-sink.ts'
import { newRecordId } from '../../ledger/record-id.ts'
import type { LedgerRecord, LedgerRow, LedgerTable, SessionStatus } from '../../ledger/records.ts'
import { type GitInfo, sessionStartRow } from '../../ledger/session-info.ts'
import { findingRow } from '../reporter/to-ledger-rows.ts'

export interface HookSessionOptions {
  kind: 'pre-commit' | 'post-commit' | 'pre-push'
  command: string
  argv: readonly string[]
  /** Where warnings go (default stderr); the sink warns once when the ledger is unusable. */
  warn?: (line: string) => void
}

/**
 * One hook run as a ledger session: the `running` row is written at the start (so a hook killed
 * outright is later reaped as `aborted`), everything else in one transaction at the end. Like the
 * reporter it never throws for the ledger: an unusable ledger degrades to the NDJSON fallback with
 * one warning, and a commit is never blocked because the ledger is broken. The sink masks every string.
 */
export class HookSession {
  /** Sessions not finished yet: a forced exit closes them as interrupted (`finishOpen`). */
  private static readonly open = new Set<HookSession>()
  #id: string | undefined
  /**
   * The session's id, made on first use (`start`), from /dev/urandom: no node:crypto to load
   * (~3 ms of a commit's critical path).
   */
  get id(): string {
    this.#id ??= randomUuid()
    return this.#id
  }
  /** Opened on first use (`start`): the caller picks when its synchronous open is paid. */
  private opened: LedgerSink | undefined
  private readonly sinkPaths: { ledger: string; fallback: string; warn: (line: string) => void }
  private readonly options: HookSessionOptions
  private startRow: LedgerRow | undefined
  private readonly started = uptimeMs()
  private pending: LedgerRecord[] = []
  private finished = false

  constructor(options: HookSessionOptions) {
    const warn = options.warn ?? ((line: string) => process.stderr.write(`${line}\n`))
    let ledgerPath: string
    try {
      ledgerPath = resolveLedgerPath()
    } catch (error) {
      ledgerPath = ''
      warn(`codex-gates: ledger disabled for this hook: ${errorMessage(error)}`)
    }
    const side = sidecarPaths(ledgerPath || DEFAULT_LEDGER_PATH)
    this.options = options
    HookSession.open.add(this)
    this.sinkPaths = {
      ledger: ledgerPath || side.fallback.replace(/\.ndjson$/, '.unusable'),
      fallback: side.fallback,
      warn,
    }
  }

  /**
   * Opens the ledger and writes the `running` session row. Separate from the constructor so the
   * ledger opens (loading the native module and opening are synchronous) while other processes
   * work: the pre-commit hook does it once Biome is running.
   */
  start(git: GitInfo): void {
    if (this.startRow) return
    const { kind, command, argv } = this.options
    this.startRow = sessionStartRow({ id: this.id, kind, command, argv }, git)
    const start = this.record('sessions', this.startRow)
    this.sink.setPreamble([start])
    this.sink.write([start])
  }

  /** The session's own ledger connection once `start` opened it and while it works, to read from. */
  get connection(): Ledger | undefined {
    return this.opened?.connection
  }

  /** The ledger file this session writes (its NDJSON fallback lives beside it). */
  get ledgerPath(): string {
    return this.sinkPaths.ledger
  }

  private get sink(): LedgerSink {
    const { ledger, fallback, warn } = this.sinkPaths
    this.opened ??= new LedgerSink(ledger, fallback, warn)
    return this.opened
  }

  /** Queues an `events` row. */
  event(event: EventMeta): void {
    this.add('events', {
      session_id: this.id,
      ts: new Date().toISOString(),
      role: event.role,
      level: event.level ?? 'info',
      message: event.message,
      data_json: event.data === undefined ? null : JSON.stringify(event.data),
    })
  }

  /** Queues `findings` rows. */
  findings(findings: readonly Finding[]): void {
    for (const f of findings) this.add('findings', findingRow(this.id, f))
  }

  /** Queues any other row (gate_runs, commits) for the final transaction. */
  add(table: LedgerTable, row: LedgerRow): void {
    this.pending.push(this.record(table, row))
  }

  /**
   * Where set (by a hook standby, src/app/hook/standby-serve.ts), a finished session leaves closing
   * its ledger to whoever set it: the rows are committed in the same transaction either way, and
   * the close (SQLite checkpoints its write-ahead log then: 1.5–11 ms measured on a commit) happens
   * after git has the hook's answer.
   */
  static closeLater: (() => void)[] | undefined

  /** Writes the queued rows and the closing session row in one transaction; idempotent. */
  finish(status: SessionStatus, extra: LedgerRow = {}): void {
    if (this.finished) return
    this.finished = true
    HookSession.open.delete(this)
    if (!this.startRow) this.start(NO_GIT)
    const end = this.record('sessions', {
      ...(this.startRow as LedgerRow),
      ...extra,
      status,
      ended_at: new Date().toISOString(),
      duration_ms: Math.round(uptimeMs() - this.started),
    })
    const sink = this.sink
    sink.write([...this.pending, end])
    this.pending = []
    if (HookSession.closeLater) HookSession.closeLater.push(() => sink.close())
    else sink.close()
  }

  /** Closes every unfinished session with `status` (before a forced exit). */
  static finishOpen(status: SessionStatus): void {
    for (const session of [...HookSession.open]) session.finish(status)
  }

  private record(table: LedgerTable, row: LedgerRow): LedgerRecord {
    return { rid: newRecordId(), table, row }
  }
}

const NO_GIT: GitInfo = { sha: null, branch: null, dirty: null, tree: null }
