import { randomUUID } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { UserError } from '../../foundation/errors/user-error.ts'
import { fsyncDir, writeFileAtomic } from '../../foundation/fs/write-file-atomic.ts'
import type { Ledger } from '../../ledger/ledger.ts'
import type { LedgerRecord } from '../../ledger/records.ts'
import type { Checkpointer, TrainState } from '../train/train-state.ts'
import { checkCompatible } from './check-compatible.ts'
import { isTemporaryName, LAST_POINTER, parseCheckpointName } from './checkpoint-layout.ts'
import { checkpointRecord, eventRecord } from './checkpoint-records.ts'
import { isCorruptCheckpointError, type LoadedCheckpoint, loadCheckpoint } from './load-checkpoint.ts'
import { peekCheckpoint, resolveCheckpointPath } from './resolve-checkpoint-path.ts'
import { planRetention, type RetentionEntry, rankByMetric } from './retention.ts'
import { saveCheckpoint } from './save-checkpoint.ts'

export interface CheckpointManagerOptions {
  /** Folder holding `ckpt-<step>/` folders and the `last` pointer (created on first save). */
  dir: string
  /** Keep the k best by `monitor` (default 0; the single best is always kept when `monitor` is set). */
  keepBest?: number
  /** Keep the n highest steps (default 0). */
  keepLast?: number
  /** Keep every checkpoint whose step is a multiple of m (default 0 = off). */
  keepEvery?: number
  /** Metric name in `save`'s metrics that ranks checkpoints, e.g. `val_loss`. */
  monitor?: string
  /** `min` (default): lower is better; `max`: higher is better. */
  mode?: 'min' | 'max'
  /** Where `checkpoints` rows and skip/config events go (none by default). */
  ledger?: Ledger
  /** Ledger run id (default: the folder's name). */
  runId?: string
  /** Ledger session id for events (default: the run id). */
  sessionId?: string
  /** This run's config hash: resuming from a checkpoint with another hash is refused. */
  configHash?: string
  /** Accept a different config hash on resume (warned and recorded in the ledger). */
  allowConfigChange?: boolean
  /** The model's parameter shapes: resuming from a checkpoint that differs is refused. */
  expectedShapes?: Record<string, readonly number[]>
  /** Where warnings go (default: stderr). */
  warn?: (message: string) => void
}

/** A checkpoint folder on disk, not yet verified. */
export interface CheckpointListing {
  name: string
  step: number
  path: string
}

/**
 * Saves, finds and restores checkpoints of one run. Saves are atomic (see `saveCheckpoint`)
 * and serialized; after each commit the ledger gets a `committed` row, the `last` pointer moves,
 * and retention removes what no rule keeps. With no keep rule given every checkpoint is kept.
 * It is the trainer's `Checkpointer`; `save` resolves to the committed folder.
 */
export class CheckpointManager implements Checkpointer {
  readonly dir: string
  private readonly options: CheckpointManagerOptions
  private readonly runId: string
  private readonly retain: boolean
  private readonly metricCache = new Map<string, number | undefined>()
  private resumedFrom: string | null = null
  private cleaned = false
  private queue: Promise<unknown> = Promise.resolve()

  constructor(options: CheckpointManagerOptions) {
    for (const key of ['keepBest', 'keepLast', 'keepEvery'] as const) {
      const value = options[key]
      if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
        throw new UserError(
          'CHECKPOINT_OPTION',
          `${key} must be a non-negative integer, got ${value}`,
          `e.g. ${key}: 3`,
        )
      }
    }
    if (options.mode !== undefined && options.mode !== 'min' && options.mode !== 'max') {
      throw new UserError('CHECKPOINT_OPTION', `mode must be "min" or "max", got ${JSON.stringify(options.mode)}`)
    }
    if ((options.keepBest ?? 0) > 0 && !options.monitor) {
      throw new UserError('CHECKPOINT_OPTION', 'keepBest needs a monitor metric', 'set monitor, e.g. "val_loss"')
    }
    this.options = options
    this.dir = resolve(options.dir)
    this.runId = options.runId ?? basename(this.dir)
    this.retain = [options.keepBest, options.keepLast, options.keepEvery].some((v) => v !== undefined)
  }

  /** Writes `state` as `ckpt-<step>/` and returns that folder once committed. */
  save(state: TrainState, metrics: Record<string, number>): Promise<string> {
    const run = this.queue.then(() => this.saveNow(state, metrics))
    this.queue = run.catch(() => undefined)
    return run
  }

  /**
   * The most recently committed checkpoint that verifies (by the `created_at` it records, then
   * by step), or null. Damaged or partial ones are skipped with a warning and a ledger event.
   */
  async loadLatest(): Promise<{ path: string; state: TrainState } | null> {
    for (const candidate of this.latestFirst()) {
      let loaded: LoadedCheckpoint
      try {
        loaded = await loadCheckpoint(candidate.path)
      } catch (error) {
        if (!isCorruptCheckpointError(error)) throw error
        this.skipped(candidate, error as UserError)
        continue
      }
      this.checkCompatible(loaded)
      this.resumedFrom = candidate.name
      return { path: loaded.path, state: loaded.state }
    }
    return null
  }

  /** Restores from a `ckpt-<step>` folder of this run (absolute, relative, or a bare name) or `latest`. */
  async resumeFrom(pathOrLatest: string): Promise<{ path: string; state: TrainState }> {
    this.cleanupTemp()
    if (pathOrLatest === 'latest') {
      const latest = await this.loadLatest()
      if (!latest) {
        throw new UserError(
          'CHECKPOINT_NONE',
          `no usable checkpoint in ${this.dir}`,
          'start the run without --resume-from, or pass --resume-from <folder>/ckpt-<step>',
        )
      }
      return latest
    }
    const path = resolveCheckpointPath(this.dir, pathOrLatest)
    const loaded = await loadCheckpoint(path)
    this.checkCompatible(loaded)
    this.resumedFrom = basename(path)
    const newer = this.list().filter((c) => c.step > loaded.state.step)
    if (newer.length > 0) {
      this.warn(
        `resuming from ${basename(path)} while ${newer.map((c) => c.name).join(', ')} exist: those belong to the abandoned continuation and are replaced as their steps are reached again`,
      )
    }
    return { path: loaded.path, state: loaded.state }
  }

  /** Removes leftover `ckpt-<step>.tmp-*` folders and pointer temp files; returns their names. */
  cleanupTemp(): string[] {
    this.cleaned = true
    if (!existsSync(this.dir)) return []
    const removed: string[] = []
    for (const entry of readdirSync(this.dir, { withFileTypes: true })) {
      const leftover =
        (entry.isDirectory() && isTemporaryName(entry.name)) ||
        (entry.isFile() && entry.name.startsWith(`${LAST_POINTER}.tmp-`))
      if (!leftover) continue
      rmSync(join(this.dir, entry.name), { recursive: true, force: true })
      removed.push(entry.name)
    }
    return removed
  }

  /** Committed-looking checkpoint folders (`ckpt-<step>`, real folders, not links), highest step first. */
  list(): CheckpointListing[] {
    if (!existsSync(this.dir)) return []
    const out: CheckpointListing[] = []
    for (const entry of readdirSync(this.dir, { withFileTypes: true })) {
      const step = entry.isDirectory() ? parseCheckpointName(entry.name) : null
      if (step !== null) out.push({ name: entry.name, step, path: join(this.dir, entry.name) })
    }
    return out.sort((a, b) => b.step - a.step)
  }

  /** The folder name the `last` pointer holds, or null. */
  lastPointer(): string | null {
    try {
      const name = readFileSync(join(this.dir, LAST_POINTER), 'utf8').trim()
      return parseCheckpointName(name) === null ? null : name
    } catch {
      return null
    }
  }

  // --- internal ---

  private async saveNow(state: TrainState, metrics: Record<string, number>): Promise<string> {
    if (!this.cleaned) this.cleanupTemp()
    const { monitor } = this.options
    const metric = monitor !== undefined && Object.hasOwn(metrics, monitor) ? metrics[monitor] : undefined
    const name = `ckpt-${state.step}`
    const path = join(this.dir, name)
    const createdAt = new Date().toISOString()
    this.record([checkpointRecord(this.runId, state.step, path, null, metric, 'writing')])

    const entries = this.retentionEntries().filter((e) => e.name !== name)
    entries.push({ name, step: state.step, metric })
    const best = monitor ? (rankByMetric(entries, this.options.mode ?? 'min')[0]?.name ?? null) : null
    const saved = await saveCheckpoint(this.dir, state, {
      runId: this.runId,
      metrics,
      monitor: monitor ?? null,
      bestCheckpoint: best,
      createdAt,
    })
    this.metricCache.set(name, metric)
    this.record([checkpointRecord(this.runId, state.step, saved.path, saved.manifestSha256, metric, 'committed')])
    writeFileAtomic(join(this.dir, LAST_POINTER), `${name}\n`)
    if (this.retain) this.applyRetention(name)
    return saved.path
  }

  private applyRetention(current: string): void {
    const plan = planRetention(
      this.retentionEntries(),
      {
        keepBest: this.options.keepBest ?? 0,
        keepLast: this.options.keepLast ?? 0,
        keepEvery: this.options.keepEvery ?? 0,
        mode: this.options.mode ?? 'min',
      },
      new Set([current, ...(this.resumedFrom ? [this.resumedFrom] : [])]),
    )
    for (const name of plan.remove) {
      const path = join(this.dir, name)
      const step = parseCheckpointName(name) as number
      const metric = this.metricCache.get(name)
      // Rename first: a crash mid-removal leaves a .tmp- folder, never a half-deleted checkpoint.
      const doomed = join(this.dir, `${name}.tmp-deleted-${randomUUID().slice(0, 8)}`)
      renameSync(path, doomed)
      fsyncDir(this.dir)
      rmSync(doomed, { recursive: true, force: true })
      this.metricCache.delete(name)
      this.record([checkpointRecord(this.runId, step, path, null, metric, 'deleted')])
    }
  }

  /** Committed folders with their monitored metric; folders whose state cannot be read are left out. */
  private retentionEntries(): RetentionEntry[] {
    const out: RetentionEntry[] = []
    for (const c of this.list()) {
      if (!this.metricCache.has(c.name)) {
        const info = peekCheckpoint(c.path, this.options.monitor)
        if (!info) continue
        this.metricCache.set(c.name, info.metric)
      }
      out.push({ name: c.name, step: c.step, metric: this.metricCache.get(c.name) })
    }
    return out
  }

  /** Candidates for `loadLatest`: newest commit first; unreadable states first so they are reported. */
  private latestFirst(): CheckpointListing[] {
    const keyed = this.list().map((c) => ({ c, at: peekCheckpoint(c.path, undefined)?.createdAt ?? '\uffff' }))
    keyed.sort((a, b) => (a.at === b.at ? b.c.step - a.c.step : a.at < b.at ? 1 : -1))
    return keyed.map((k) => k.c)
  }

  private checkCompatible(loaded: LoadedCheckpoint): void {
    const { configChange } = checkCompatible(loaded.path, loaded.state, this.options)
    if (!configChange) return
    const message = `config changed on resume from ${basename(loaded.path)}: ${configChange.from.slice(0, 12)}… → ${configChange.to.slice(0, 12)}…`
    this.warn(message)
    this.event('warn', message, { run_id: this.runId, path: loaded.path, ...configChange })
  }

  private skipped(candidate: CheckpointListing, error: UserError): void {
    const message = `skipping checkpoint ${candidate.name}: ${error.message}`
    this.warn(message)
    this.event('warn', message, { run_id: this.runId, path: candidate.path, code: error.code })
  }

  private warn(message: string): void {
    ;(this.options.warn ?? ((m: string) => process.stderr.write(`warning: ${m}\n`)))(message)
  }

  private event(level: 'warn' | 'info', message: string, data: unknown): void {
    this.record([eventRecord(this.options.sessionId ?? this.runId, level, message, data)])
  }

  /** Ledger trouble (locked, read-only) must not fail a committed save: warn instead. Bugs still throw. */
  private record(records: LedgerRecord[]): void {
    if (!this.options.ledger) return
    try {
      this.options.ledger.write(records)
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('BUG:')) throw error
      this.warn(`could not record ${records[0]?.table} in the ledger: ${(error as Error).message}`)
    }
  }
}
