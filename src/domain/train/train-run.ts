import { join } from 'node:path'
import { perplexity } from '../eval/perplexity.ts'
import { type Batch, evalBatches } from './batches.ts'
import { configHash, executorThreads, type TrainConfig } from './config/train-config.ts'
import { type Executor, type HostTensor, resolveExecutor, type Session } from './executor.ts'
import type { InitWeights } from './init-weights.ts'
import { IGNORE_INDEX } from './ir/composite.ts'
import { type MetricRecord, MetricsLog, toMetricRecords } from './metrics-log.ts'
import { loadTextData, type TextData } from './text-data.ts'
import {
  buildTrainProgram,
  EVAL_GRAPH,
  IO,
  loadTrainProgram,
  type TrainProgram,
  type TrainStepSpec,
} from './train-step-graph.ts'
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
  /** Pretrained weights to start from instead of a fresh init (what `init_from` names, already read). */
  init?: InitWeights
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
  /** The pretrained weights the run starts from (a LoRA run's frozen base), if any. */
  readonly init?: InitWeights
  /** Writes one metrics.ndjson line and hands the same values to `onMetrics`. */
  emit(step: number, values: Record<string, number>): void
  log(line: string): void
}

/** Loads data, executor and program, and opens the metrics log: the run's fixed parts. */
export async function openRun(options: RunSetup): Promise<TrainRun> {
  const { config } = options
  if (config.init_from && !options.init) {
    throw new Error(`BUG: train(): config.init_from is ${config.init_from} but no weights were given as \`init\``)
  }
  const T = config.block_size
  const data = options.data ?? loadTextData(config.dataset, config.val_fraction, T)
  const spec = trainStepSpec(config, data.tokenizer.vocabSize)
  const evalSet = evalBatches(data.val, T, spec.evalBatchSize, config.eval_iters)
  const executor = options.executor ?? (await resolveExecutor(config.backend, { threads: executorThreads(config) }))
  const built = options.program ?? buildTrainProgram(spec)
  const session = await loadTrainProgram(executor, built)
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
    ...(options.init ? { init: options.init } : {}),
    emit(step, values) {
      const ts = Date.now()
      metrics.write(step, values, ts)
      options.onMetrics?.(toMetricRecords(step, values, ts))
    },
    log: options.log ?? (() => undefined),
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
