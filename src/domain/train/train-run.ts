import { join } from 'node:path'
import { UserError } from '../../foundation/errors/user-error.ts'
import { Prng } from '../../foundation/random/prng.ts'
import { perplexity } from '../eval/perplexity.ts'
import { type Batch, BatchSampler, evalBatches } from './batches.ts'
import { configHash, executorThreads, type TrainConfig } from './config/train-config.ts'
import { type Executor, type HostTensor, resolveExecutor, type Session } from './executor.ts'
import { IGNORE_INDEX } from './ir/composite.ts'
import { sameShape } from './ir/shape.ts'
import { type MetricRecord, MetricsLog, toMetricRecords } from './metrics-log.ts'
import { initGptParams, TIED_PARAMS } from './model/gpt.ts'
import { roleSeed } from './seeds.ts'
import { loadTextData, type TextData } from './text-data.ts'
import type { TensorData, TrainState } from './train-state.ts'
import { buildTrainProgram, EVAL_GRAPH, IO, type TrainProgram, type TrainStepSpec } from './train-step-graph.ts'
import { trainStepSpec } from './train-step-spec.ts'

/** What `openRun` needs: the run's settings and the parts a caller may supply. */
export interface RunSetup {
  config: TrainConfig
  /** Run folder: metrics.ndjson goes here. */
  outDir: string
  /** Default: the config's backend through `resolveExecutor`. */
  executor?: Executor
  /** Default: `loadTextData(config.dataset, …)`. */
  data?: TextData
  /** The step and eval program of this config (default: built from it; the CLI builds it to check memory first). */
  program?: TrainProgram
  /** Every metric record as it is logged (the CLI writes them to the ledger). */
  onMetrics?: (records: MetricRecord[]) => void
  /** Console lines (default: none). */
  log?: (line: string) => void
}

/** One evaluation over the fixed eval set. */
export interface EvalResult {
  step: number
  loss: number
  perplexity: number
  accuracy: number
  tokens: number
}

/** What a run is set up with once and never changes: data, program, loaded session, metrics log. */
export interface TrainRun {
  readonly config: TrainConfig
  readonly hash: string
  readonly data: TextData
  readonly spec: TrainStepSpec
  readonly evalSet: readonly Batch[]
  readonly executor: Executor
  readonly built: TrainProgram
  readonly session: Session
  readonly metrics: MetricsLog
  /** Writes one metrics.ndjson line and hands the same values to `onMetrics`. */
  emit(step: number, values: Record<string, number>): void
  log(line: string): void
}

/**
 * Everything the loop changes, in one object the stages pass along (nanoGPT keeps these as
 * module globals: iter_num, best_val_loss, the RNGs, the data position).
 */
export interface LoopState {
  /** Optimizer steps completed (the global step). */
  step: number
  /** AdamW's step count t, for the bias correction. */
  optimizerStep: number
  sampler: BatchSampler
  dropoutRng: Prng
  /** The init PRNG's state after drawing the parameters (kept for the checkpoint). */
  initRngState: number[]
  /** Lowest val loss so far; null before the first eval. */
  bestMetric: number | null
  /** The LR set for the step about to run (or the last one run). */
  lr: number
  /** Train loss of the last step run (NaN before the first). */
  lastLoss: number
}

/** Loads data, executor and program, and opens the metrics log: the run's fixed parts. */
export async function openRun(options: RunSetup): Promise<TrainRun> {
  const { config } = options
  const T = config.block_size
  const data = options.data ?? loadTextData(config.dataset, config.val_fraction, T)
  const spec = trainStepSpec(config, data.tokenizer.vocabSize)
  const evalSet = evalBatches(data.val, T, spec.evalBatchSize, config.eval_iters)
  const executor = options.executor ?? (await resolveExecutor(config.backend, { threads: executorThreads(config) }))
  const built = options.program ?? buildTrainProgram(spec)
  const session = await executor.load(built.program)
  const metrics = new MetricsLog(join(options.outDir, 'metrics.ndjson'))
  return {
    config,
    hash: configHash(config),
    data,
    spec,
    evalSet,
    executor,
    built,
    session,
    metrics,
    emit(step, values) {
      const ts = Date.now()
      metrics.write(step, values, ts)
      options.onMetrics?.(toMetricRecords(step, values, ts))
    },
    log: options.log ?? (() => undefined),
  }
}

/** The loop's starting state: a fresh init from the seed, or an exact restore of `initial`. */
export async function startState(
  run: TrainRun,
  initial: TrainState | undefined,
  allowConfigChange = false,
): Promise<LoopState> {
  const { config, built, session } = run
  const T = config.block_size
  if (initial) {
    if (initial.configHash !== run.hash && !allowConfigChange) {
      throw new UserError(
        'RESUME_CONFIG',
        `the state to resume was trained with config hash ${initial.configHash.slice(0, 12)}…, this config hashes to ${run.hash.slice(0, 12)}…`,
        'resume with the same config, or pass --allow-config-change',
      )
    }
    await session.writeState(restoredTensors(initial, built.params))
    return {
      step: initial.step,
      optimizerStep: initial.optimizer.step,
      sampler: BatchSampler.resume(run.data.train, T, initial.dataCursor),
      dropoutRng: initial.rng.dropout
        ? Prng.fromState(initial.rng.dropout)
        : Prng.fromSeed(roleSeed(config.seed, 'dropout')),
      initRngState: initial.rng.init ?? [],
      bestMetric: initial.bestMetric,
      lr: 0,
      lastLoss: Number.NaN,
    }
  }
  const initRng = Prng.fromSeed(roleSeed(config.seed, 'init'))
  const params = initGptParams(run.spec.model, initRng)
  const fresh: Record<string, HostTensor> = {}
  for (const p of built.params) {
    const tensor = params[p.key] as TensorData
    fresh[p.key] = { shape: tensor.shape, dtype: 'float32', data: tensor.data }
    for (const which of ['m', 'v'] as const) {
      fresh[IO.moment(which, p.key)] = {
        shape: tensor.shape,
        dtype: 'float32',
        data: new Float32Array(tensor.data.length),
      }
    }
  }
  await session.writeState(fresh)
  return {
    step: 0,
    optimizerStep: 0,
    sampler: BatchSampler.create(run.data.train, T, roleSeed(config.seed, 'batches')),
    dropoutRng: Prng.fromSeed(roleSeed(config.seed, 'dropout')),
    initRngState: initRng.state(),
    bestMetric: null,
    lr: 0,
    lastLoss: Number.NaN,
  }
}

/** The state a checkpoint holds: parameters and moments read back from the session, plus `s`. */
export async function captureState(run: TrainRun, s: LoopState): Promise<TrainState> {
  const tensors = await run.session.readState()
  const params: Record<string, TensorData> = {}
  const m: Record<string, TensorData> = {}
  const v: Record<string, TensorData> = {}
  for (const p of run.built.params) {
    params[p.key] = asTensorData(tensors[p.key])
    m[p.key] = asTensorData(tensors[IO.moment('m', p.key)])
    v[p.key] = asTensorData(tensors[IO.moment('v', p.key)])
  }
  return {
    step: s.step,
    epoch: s.sampler.epoch,
    params,
    tiedParams: { ...TIED_PARAMS },
    optimizer: { step: s.optimizerStep, m, v },
    rng: { init: s.initRngState, dropout: s.dropoutRng.state() },
    dataCursor: s.sampler.cursor(),
    schedule: { step: s.step, lr: s.lr },
    bestMetric: s.bestMetric,
    config: run.config,
    configHash: run.hash,
  }
}

/** Loss, perplexity and accuracy over the fixed eval set, at `step`. */
export async function evaluate(run: TrainRun, step: number): Promise<EvalResult> {
  const T = run.config.block_size
  const B = run.spec.evalBatchSize
  let nllSum = 0
  let correct = 0
  let tokens = 0
  for (const batch of run.evalSet) {
    const out = await run.session.run(EVAL_GRAPH, {
      [IO.evalTokens]: { shape: [B, T], dtype: 'int32', data: batch.x },
      [IO.evalTargets]: { shape: [B, T], dtype: 'int32', data: batch.y },
    })
    nllSum += (out[IO.nllSum] as HostTensor).data[0] as number
    correct += (out[IO.correct] as HostTensor).data[0] as number
    tokens += countedTargets(batch.y)
  }
  const loss = nllSum / tokens
  const ppl = Number.isFinite(nllSum) && nllSum >= 0 ? perplexity({ nllSum, tokens }) : Number.NaN
  return { step, loss, perplexity: ppl, accuracy: correct / tokens, tokens }
}

// --- internal ---

/** Targets the loss counts: all but `IGNORE_INDEX` (the eval graph's NLL sum leaves those out too). */
function countedTargets(targets: Int32Array): number {
  let n = 0
  for (const t of targets) if (t !== IGNORE_INDEX) n++
  return n
}

function asTensorData(tensor: HostTensor | undefined): TensorData {
  if (!tensor || !(tensor.data instanceof Float32Array)) throw new Error('BUG: executor state is not float32')
  return { shape: [...tensor.shape], data: tensor.data }
}

/** Executor state from a TrainState, checked against the model's parameters. */
function restoredTensors(
  state: TrainState,
  params: readonly { key: string; shape: readonly number[] }[],
): Record<string, HostTensor> {
  const out: Record<string, HostTensor> = {}
  const known = new Set(params.map((p) => p.key))
  const unexpected = Object.keys(state.params).filter((k) => !known.has(k) && !(k in TIED_PARAMS))
  if (unexpected.length > 0) {
    throw new UserError(
      'RESUME_MISMATCH',
      `the state to resume holds parameters this model does not have: ${unexpected.slice(0, 5).join(', ')}`,
      'resume with the model config it was trained with',
    )
  }
  for (const p of params) {
    const tensor = state.params[p.key]
    if (!tensor || !sameShape(tensor.shape, p.shape)) {
      throw new UserError(
        'RESUME_MISMATCH',
        `parameter ${p.key} is ${tensor ? `[${tensor.shape.join(',')}]` : 'missing'} in the state to resume, the model expects [${p.shape.join(',')}]`,
        'resume with the model config it was trained with',
      )
    }
    out[p.key] = { shape: p.shape, dtype: 'float32', data: tensor.data }
    for (const which of ['m', 'v'] as const) {
      // Before the first optimizer step AdamW holds no moments: zeros.
      const moment = state.optimizer[which][p.key]
      out[IO.moment(which, p.key)] = {
        shape: p.shape,
        dtype: 'float32',
        data: moment ? moment.data : new Float32Array(tensor.data.length),
      }
    }
  }
  return out
}
