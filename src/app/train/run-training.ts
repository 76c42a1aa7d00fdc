import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { CheckpointManager } from '../../domain/checkpoint/checkpoint-manager.ts'
import { SystemSampler } from '../../domain/monitor/system-sampler.ts'
import { writePeftAdapter } from '../../domain/pretrained/peft-adapter.ts'
import type { LoadedTrainConfig } from '../../domain/train/config/load-train-config.ts'
import { executorThreads } from '../../domain/train/config/train-config.ts'
import { type Executor, resolveExecutor } from '../../domain/train/executor.ts'
import { loadTextData, type TextData } from '../../domain/train/text-data.ts'
import { type TrainResult, train } from '../../domain/train/train.ts'
import {
  metricRecords,
  provenanceColumns,
  type RunStatus,
  sessionStatusOf,
  TrainLedger,
} from '../../domain/train/train-ledger.ts'
import type { TrainState } from '../../domain/train/train-state.ts'
import type { TrainProgram } from '../../domain/train/train-step-graph.ts'
import type { Io } from '../../foundation/cli/io.ts'
import { EXIT, isUserError } from '../../foundation/errors/user-error.ts'
import { writeFileAtomic } from '../../foundation/fs/write-file-atomic.ts'
import type { Ledger } from '../../ledger/ledger.ts'
import { isLedgerFileError } from '../../ledger/ledger-error.ts'
import { resolveLedgerPath } from '../../ledger/ledger-path.ts'
import { openLedger } from '../../ledger/open-ledger.ts'
import type { LedgerRow } from '../../ledger/records.ts'
import { sessionStartRow } from '../../ledger/session-info.ts'
import { runOutsideTsxRelay, underTsxRelay, watchedParents } from './outside-tsx-relay.ts'
import { parameterLine } from './parameter-line.ts'
import { plannedProgram } from './planned-program.ts'
import { resolveRunFolder } from './resolve-run-folder.ts'
import { acquireRunLock, RUN_LOCK } from './run-lock.ts'
import { type StartingWeights, startingWeights } from './starting-weights.ts'
import { tolerateClosedOutput, watchInterrupts } from './watch-interrupts.ts'

export interface RunTrainingOptions {
  argv: readonly string[]
  resumeFrom?: string
  allowConfigChange: boolean
  maxSteps?: number
  /** `--registry DIR`: the model registry `init_from` names resolve in (default CODEX_MODELS or .codex/models). */
  registry?: string
}

/** Where a LoRA run writes its adapter in PEFT's format, inside the run folder. */
export const ADAPTER_DIR = 'adapter'

/** The metric that ranks checkpoints for `keep_best`. */
export const MONITOR_METRIC = 'val/loss'

/**
 * One training run from the CLI: backend guard first (nothing written before it passes), the
 * data, the memory check, the run folder and its lock (one trainer per folder), interrupts
 * (SIGINT/SIGTERM/SIGHUP or the parent gone: finish the step, save, exit 130), then the run.
 * Returns the exit code.
 */
export async function runTraining(given: LoadedTrainConfig, options: RunTrainingOptions, io: Io): Promise<number> {
  const executor = await resolveExecutor(given.config.backend, { threads: executorThreads(given.config) })
  if (underTsxRelay()) return runOutsideTsxRelay(options.argv)
  const data = loadTextData(given.config.dataset, given.config.val_fraction, given.config.block_size)
  const start = await startingWeights(given, data.tokenizer.vocabSize, options.registry, io)
  const { loaded } = start
  const program = plannedProgram(loaded.config, data.tokenizer.vocabSize, executor.name)
  const run = resolveRunFolder(loaded, options.resumeFrom)
  const lock = acquireRunLock(run.outDir, {
    onTakeover: (holder) =>
      io.stderr(
        `warning: ${join(run.outDir, RUN_LOCK)} was left by ${holder ? `pid ${holder.pid}, which no longer runs` : 'an unknown process'}; taking it over\n`,
      ),
  })
  const controller = new AbortController()
  const stopWatching = watchInterrupts({ controller, warn: (line) => io.stderr(`${line}\n`), watch: watchedParents() })
  const restoreOutput = tolerateClosedOutput()
  try {
    return await trainInFolder({ loaded, start, options, io, executor, data, program, run, signal: controller.signal })
  } finally {
    stopWatching()
    restoreOutput()
    lock.release()
  }
}

interface FolderRun {
  loaded: LoadedTrainConfig
  start: StartingWeights
  options: RunTrainingOptions
  io: Io
  executor: Executor
  data: TextData
  program: TrainProgram
  run: { outDir: string; resume?: string }
  signal: AbortSignal
}

/** The run inside its locked folder: ledger session and run rows, checkpoint manager (resume), system metrics, train, final statuses. */
async function trainInFolder({
  loaded,
  start,
  options,
  io,
  executor,
  data,
  program,
  run,
  signal,
}: FolderRun): Promise<number> {
  const { config } = loaded
  const outDir = run.outDir
  const runId = basename(outDir)
  const sessionId = randomUUID()
  const tl = new TrainLedger(openTrainLedger(io), (m) => io.stderr(`warning: ${m}\n`))
  const sessionRow = sessionStartRow({ id: sessionId, kind: 'train', command: 'npm run train', argv: options.argv })
  tl.row('sessions', sessionRow)
  const startedAt = new Date().toISOString()
  const runRow: LedgerRow = {
    id: runId,
    session_id: sessionId,
    config_json: JSON.stringify(config),
    config_hash: loaded.hash,
    backend: executor.name,
    device: executor.device,
    seed: config.seed,
    status: 'running',
    out_dir: resolve(outDir),
    started_at: startedAt,
    ...provenanceColumns(config, program, start.registryName),
  }
  tl.row('training_runs', runRow)

  let status: RunStatus = 'failed'
  let sampler: SystemSampler | undefined
  try {
    mkdirSync(outDir, { recursive: true })
    const manager = new CheckpointManager({
      dir: join(outDir, 'checkpoints'),
      keepBest: config.keep_best,
      keepLast: config.keep_last,
      keepEvery: config.keep_every,
      monitor: MONITOR_METRIC,
      mode: 'min',
      ledger: tl.ledger,
      runId,
      sessionId,
      configHash: loaded.hash,
      allowConfigChange: options.allowConfigChange,
      expectedShapes: Object.fromEntries(program.params.map((p) => [p.key, p.shape])),
      warn: (m) => io.stderr(`warning: ${m}\n`),
    })
    let initialState: TrainState | undefined
    if (run.resume) {
      const resumed = await manager.resumeFrom(run.resume)
      initialState = resumed.state
      io.stdout(`resuming from ${resumed.path} (step ${resumed.state.step})\n`)
      tl.event(sessionId, 'info', `resumed from ${resumed.path}`, { run_id: runId, step: resumed.state.step })
    }
    writeFileAtomic(join(outDir, 'tokenizer.json'), `${JSON.stringify(data.tokenizer.toJSON())}\n`)
    writeFileAtomic(
      join(outDir, 'run.json'),
      `${JSON.stringify({ run_id: runId, session_id: sessionId, config_path: loaded.path, config_hash: loaded.hash, config, data_sha256: data.sha256, tokenizer: data.tokenizer.id, init: start.init ? { source: start.init.source, registry_name: start.registryName ?? null, digest: start.init.digest } : null }, null, 2)}\n`,
    )
    if (config.system_metrics !== 'off') {
      sampler = new SystemSampler({
        path: join(outDir, 'system_metrics.jsonl'),
        intervalMs: config.system_metrics_interval_ms,
        gpu: config.system_metrics === 'gpu',
        warn: (m) => io.stderr(`warning: ${m}\n`),
      }).start()
    }
    io.stdout(`run ${runId}: ${parameterLine(program)}, backend ${executor.name} (${executor.device}) → ${outDir}\n`)
    const unranked = unrankedCheckpointNote(config)
    if (unranked) io.stdout(`${unranked}\n`)
    const result: TrainResult = await train({
      config,
      outDir,
      executor,
      data,
      program,
      initialState,
      allowConfigChange: options.allowConfigChange,
      checkpointer: manager,
      ...(start.init ? { init: start.init } : {}),
      maxSteps: options.maxSteps,
      signal,
      onMetrics: (records) => tl.write(metricRecords(runId, records)),
      log: (line) => io.stdout(`${line}\n`),
    })
    status = result.status
    if (config.lora) {
      const dir = join(outDir, ADAPTER_DIR)
      await writePeftAdapter(
        dir,
        { lora: config.lora, params: result.state.params, baseModel: config.init_from || null },
        { replace: true },
      )
      io.stdout(`adapter (PEFT format, step ${result.state.step}) → ${dir}\n`)
    }
    const last = result.steps[result.steps.length - 1]
    io.stdout(
      `${result.status}: step ${result.state.step}${last ? `, train loss ${last.loss.toFixed(4)}` : ''}, ${result.tokensPerSecond.toFixed(0)} tokens/s; checkpoints in ${manager.dir}\n`,
    )
    return status === 'interrupted' ? EXIT.interrupted : EXIT.ok
  } catch (error) {
    tl.event(sessionId, 'error', `training failed: ${(error as Error).message}`, {
      run_id: runId,
      code: isUserError(error) ? error.code : undefined,
    })
    throw error
  } finally {
    const endedAt = new Date().toISOString()
    if (sampler) {
      await sampler.stop()
      recordSystemSummary(tl, sampler, runId, sessionId)
    }
    for (const [kind, file] of [
      ['metrics', join(outDir, 'metrics.ndjson')],
      ['system-metrics', join(outDir, 'system_metrics.jsonl')],
    ] as const) {
      if (existsSync(file)) {
        tl.row('artifacts', {
          session_id: sessionId,
          kind,
          path: resolve(file),
          bytes: statSync(file).size,
          created_at: endedAt,
        })
      }
    }
    tl.row('training_runs', { ...runRow, status, ended_at: endedAt })
    tl.row('sessions', {
      ...sessionRow,
      status: sessionStatusOf(status),
      ended_at: endedAt,
      duration_ms: Date.parse(endedAt) - Date.parse(String(sessionRow.started_at)),
    })
    tl.close()
  }
}

/**
 * A note when some checkpoints will carry no val/loss (saved at steps without an eval), so
 * keep_best cannot rank them; undefined when every checkpoint step is an eval step.
 */
export function unrankedCheckpointNote(config: {
  keep_best: number
  checkpoint_every: number
  eval_interval: number
}): string | undefined {
  if (config.keep_best === 0 || config.checkpoint_every === 0) return undefined
  if (config.checkpoint_every % config.eval_interval === 0) return undefined
  return `note: checkpoint_every ${config.checkpoint_every} is not a multiple of eval_interval ${config.eval_interval}: checkpoints saved between evals record no val/loss and keep_best does not rank them`
}

// --- internal ---

/** Opens the ledger for a run; only usage errors stop the run, a broken ledger degrades to no ledger. */
function openTrainLedger(io: Io): Ledger | undefined {
  const path = resolveLedgerPath(undefined, io.env)
  try {
    return openLedger(path)
  } catch (error) {
    if (isUserError(error) && !isLedgerFileError(error)) throw error
    io.stderr(`warning: ledger ${path} unavailable (${(error as Error).message}); metrics go to metrics.ndjson only\n`)
    return undefined
  }
}

/** System metrics summary → `system/<field>/mean|max` metric rows at step 0 of the run, plus one event. */
function recordSystemSummary(tl: TrainLedger, sampler: SystemSampler, runId: string, sessionId: string): void {
  const summary = sampler.summary()
  const ts = Date.now()
  const records = Object.entries(summary).flatMap(([field, s]) => [
    { step: 0, name: `system/${field}/mean`, value: s.mean, ts },
    { step: 0, name: `system/${field}/max`, value: s.max, ts },
  ])
  tl.write(metricRecords(runId, records))
  tl.event(sessionId, 'info', 'system metrics summary', {
    run_id: runId,
    files: sampler.files(),
    summary,
    gpu: sampler.gpuUnavailable ?? 'ok',
  })
}
