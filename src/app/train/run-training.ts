import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { CheckpointManager } from '../../domain/checkpoint/checkpoint-manager.ts'
import { SystemSampler } from '../../domain/monitor/system-sampler.ts'
import type { LoadedTrainConfig } from '../../domain/train/config/load-train-config.ts'
import { executorThreads } from '../../domain/train/config/train-config.ts'
import { resolveExecutor } from '../../domain/train/executor.ts'
import { countParams, gptParamSpecs } from '../../domain/train/model/gpt.ts'
import { loadTextData } from '../../domain/train/text-data.ts'
import { modelConfig, type TrainResult, train } from '../../domain/train/train.ts'
import { metricRecords, type RunStatus, sessionStatusOf, TrainLedger } from '../../domain/train/train-ledger.ts'
import type { TrainState } from '../../domain/train/train-state.ts'
import type { CliIo } from '../../foundation/cli/cli-io.ts'
import { EXIT, isUserError, UserError } from '../../foundation/errors/user-error.ts'
import { writeFileAtomic } from '../../foundation/fs/write-file-atomic.ts'
import type { Ledger } from '../../ledger/ledger.ts'
import { isLedgerFileError } from '../../ledger/ledger-error.ts'
import { resolveLedgerPath } from '../../ledger/ledger-path.ts'
import { openLedger } from '../../ledger/open-ledger.ts'
import type { LedgerRow } from '../../ledger/records.ts'
import { sessionStartRow } from '../../ledger/session-info.ts'
import { runOutsideTsxRelay, underTsxRelay } from './outside-tsx-relay.ts'

export interface RunTrainingOptions {
  argv: readonly string[]
  resumeFrom?: string
  allowConfigChange: boolean
  maxSteps?: number
}

/** The metric that ranks checkpoints for `keep_best`. */
export const MONITOR_METRIC = 'val/loss'

/**
 * One training run from the CLI: backend guard first (nothing written before it passes), run
 * folder, ledger session and run rows, checkpoint manager (resume), system metrics, SIGINT
 * (finish the step, save, exit 130), then the final statuses and summaries. Returns the exit code.
 */
export async function runTraining(loaded: LoadedTrainConfig, options: RunTrainingOptions, io: CliIo): Promise<number> {
  const { config } = loaded
  const executor = await resolveExecutor(config.backend, { threads: executorThreads(config) })
  if (underTsxRelay()) return runOutsideTsxRelay(options.argv)
  const data = loadTextData(config.dataset, config.val_fraction, config.block_size)
  const run = resolveRunFolder(loaded, options.resumeFrom)
  const outDir = run.outDir
  const runId = basename(outDir)
  const sessionId = randomUUID()
  const tl = new TrainLedger(openTrainLedger(io), (m) => io.err(`warning: ${m}`))
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
  }
  tl.row('training_runs', runRow)

  let status: RunStatus = 'failed'
  let sampler: SystemSampler | undefined
  const controller = new AbortController()
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted)
    io.err(`\n${signal}: finishing the current step and saving a checkpoint (again to quit at once)`)
    controller.abort()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
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
      expectedShapes: Object.fromEntries(
        gptParamSpecs(modelConfig(config, data.tokenizer.vocabSize)).map((p) => [p.key, p.shape]),
      ),
      warn: (m) => io.err(`warning: ${m}`),
    })
    let initialState: TrainState | undefined
    if (run.resume) {
      const resumed = await manager.resumeFrom(run.resume)
      initialState = resumed.state
      io.out(`resuming from ${resumed.path} (step ${resumed.state.step})`)
      tl.event(sessionId, 'info', `resumed from ${resumed.path}`, { run_id: runId, step: resumed.state.step })
    }
    writeFileAtomic(join(outDir, 'tokenizer.json'), `${JSON.stringify(data.tokenizer.toJSON())}\n`)
    writeFileAtomic(
      join(outDir, 'run.json'),
      `${JSON.stringify({ run_id: runId, session_id: sessionId, config_path: loaded.path, config_hash: loaded.hash, config, data_sha256: data.sha256, tokenizer: data.tokenizer.id }, null, 2)}\n`,
    )
    if (config.system_metrics !== 'off') {
      sampler = new SystemSampler({
        path: join(outDir, 'system_metrics.jsonl'),
        intervalMs: config.system_metrics_interval_ms,
        gpu: config.system_metrics === 'gpu',
        warn: (m) => io.err(`warning: ${m}`),
      }).start()
    }
    const params = countParams(modelConfig(config, data.tokenizer.vocabSize), false)
    io.out(
      `run ${runId}: ${params.toLocaleString('en-US')} parameters, backend ${executor.name} (${executor.device}) → ${outDir}`,
    )
    const result: TrainResult = await train({
      config,
      outDir,
      executor,
      data,
      initialState,
      allowConfigChange: options.allowConfigChange,
      checkpointer: manager,
      maxSteps: options.maxSteps,
      signal: controller.signal,
      onMetrics: (records) => tl.write(metricRecords(runId, records)),
      log: (line) => io.out(line),
    })
    status = result.status
    const last = result.steps[result.steps.length - 1]
    io.out(
      `${result.status}: step ${result.state.step}${last ? `, train loss ${last.loss.toFixed(4)}` : ''}, ${result.tokensPerSecond.toFixed(0)} tokens/s; checkpoints in ${manager.dir}`,
    )
    return status === 'interrupted' ? EXIT.interrupted : EXIT.ok
  } catch (error) {
    tl.event(sessionId, 'error', `training failed: ${(error as Error).message}`, {
      run_id: runId,
      code: isUserError(error) ? error.code : undefined,
    })
    throw error
  } finally {
    process.removeListener('SIGINT', onSignal)
    process.removeListener('SIGTERM', onSignal)
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

// --- internal ---

/** Opens the ledger for a run; only usage errors stop the run, a broken ledger degrades to no ledger. */
function openTrainLedger(io: CliIo): Ledger | undefined {
  const path = resolveLedgerPath()
  try {
    return openLedger(path)
  } catch (error) {
    if (isUserError(error) && !isLedgerFileError(error)) throw error
    io.err(`warning: ledger ${path} unavailable (${(error as Error).message}); metrics go to metrics.ndjson only`)
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

/** Where the run lives and what to resume: a new folder, or the one a checkpoint belongs to. */
export function resolveRunFolder(
  loaded: LoadedTrainConfig,
  resumeFrom: string | undefined,
): { outDir: string; resume?: string } {
  const configured = loaded.config.out_dir
  if (resumeFrom === undefined) {
    return {
      outDir:
        configured ?? join('runs', `${loaded.name}-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 23)}`),
    }
  }
  if (resumeFrom === 'latest') {
    const outDir = configured ?? newestRun(loaded.name)
    if (!outDir) {
      throw new UserError(
        'RESUME_NO_RUN',
        `--resume-from latest: no run of ${loaded.name} with checkpoints under runs/`,
        'set out_dir in the config (or --set out_dir=…), or pass --resume-from <run>/checkpoints/ckpt-<step>',
      )
    }
    return { outDir, resume: 'latest' }
  }
  const path = resumeFrom.replace(/\/+$/, '')
  if (basename(dirname(path)) === 'checkpoints') return { outDir: dirname(dirname(path)), resume: path }
  if (basename(path) === 'checkpoints' && existsSync(path)) return { outDir: dirname(path), resume: 'latest' }
  if (existsSync(join(path, 'checkpoints'))) return { outDir: path, resume: 'latest' }
  throw new UserError(
    'RESUME_PATH',
    `--resume-from ${resumeFrom}: not a checkpoint folder (<run>/checkpoints/ckpt-<step>), a run folder, or latest`,
    'e.g. --resume-from runs/gpt-tiny-<timestamp>/checkpoints/ckpt-60, or --resume-from latest',
  )
}

function newestRun(name: string): string | undefined {
  if (!existsSync('runs')) return undefined
  const candidates = readdirSync('runs')
    .filter((d) => d.startsWith(`${name}-`) && existsSync(join('runs', d, 'checkpoints')))
    .map((d) => ({ dir: join('runs', d), at: statSync(join('runs', d, 'checkpoints')).mtimeMs }))
    .sort((a, b) => b.at - a.at)
  return candidates[0]?.dir
}
