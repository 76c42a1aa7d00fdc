import { join } from 'node:path'
import { UserError } from '../../foundation/errors/user-error.ts'
import { Prng } from '../../foundation/random/prng.ts'
import { perplexity } from '../eval/perplexity.ts'
import { type Batch, BatchSampler, evalBatches } from './batches.ts'
import { configHash, evalBatchSize, executorThreads, type TrainConfig } from './config/train-config.ts'
import { type Executor, type HostTensor, resolveExecutor } from './executor.ts'
import { sameShape } from './ir/shape.ts'
import { type MetricRecord, MetricsLog, toMetricRecords } from './metrics-log.ts'
import { type GptConfig, initGptParams, TIED_PARAMS } from './model/gpt.ts'
import { learningRate } from './optim/lr-schedule.ts'
import { roleSeed } from './seeds.ts'
import { loadTextData, type TextData } from './text-data.ts'
import type { Checkpointer, TensorData, TrainState } from './train-state.ts'
import { buildTrainProgram, EVAL_GRAPH, IO, STEP_GRAPH, type TrainStepSpec } from './train-step-graph.ts'

export interface TrainOptions {
  config: TrainConfig
  /** Run folder: metrics.ndjson goes here. */
  outDir: string
  /** Default: the config's backend through `resolveExecutor`. */
  executor?: Executor
  /** Default: `loadTextData(config.dataset, …)`. */
  data?: TextData
  /** Continue exactly from this state (resume). */
  initialState?: TrainState
  /** Accept an `initialState` whose config hash differs from this config's. */
  allowConfigChange?: boolean
  /** Receives the state every `checkpoint_every` steps and at the end of the run. */
  checkpointer?: Checkpointer
  /** Stop once the global step reaches this (the LR schedule still follows max_iters). */
  maxSteps?: number
  /** Aborting finishes the current step, saves, and returns status `interrupted`. */
  signal?: AbortSignal
  /** Every metric record as it is logged (the CLI writes them to the ledger). */
  onMetrics?: (records: MetricRecord[]) => void
  /** Console lines (default: none). */
  log?: (line: string) => void
}

export interface StepRecord {
  step: number
  loss: number
  lr: number
  gradNorm: number
  tokensPerSecond: number
}

export interface EvalResult {
  step: number
  loss: number
  perplexity: number
  accuracy: number
  tokens: number
}

export interface TrainResult {
  status: 'completed' | 'stopped' | 'interrupted'
  /** The state at the end (what the last checkpoint holds). */
  state: TrainState
  steps: StepRecord[]
  evals: EvalResult[]
  /** Tokens per second over the optimizer steps of this call. */
  tokensPerSecond: number
  backend: string
  device: string
}

/** The GPT a config describes, over a vocabulary of `vocabSize`. */
export function modelConfig(config: TrainConfig, vocabSize: number): GptConfig {
  return {
    vocab_size: vocabSize,
    block_size: config.block_size,
    n_layer: config.n_layer,
    n_head: config.n_head,
    n_embd: config.n_embd,
    bias: config.bias,
    dropout: config.dropout,
  }
}

/** What the step graph is built from. */
export function trainStepSpec(config: TrainConfig, vocabSize: number): TrainStepSpec {
  return {
    model: modelConfig(config, vocabSize),
    batchSize: config.batch_size,
    accumulation: config.gradient_accumulation_steps,
    evalBatchSize: evalBatchSize(config),
    optim: {
      beta1: config.beta1,
      beta2: config.beta2,
      eps: config.adam_eps,
      weightDecay: config.weight_decay,
      gradClip: config.grad_clip,
    },
  }
}

/**
 * Trains the GPT of `config`. The loop reads top to bottom like nanoGPT's train.py: set LR →
 * eval / checkpoint → micro-steps → clip → step → zero → log → stop? (clip, step and zero
 * happen inside the one step graph). Same config, seed and state → the same bits, whether the
 * run went straight through or was resumed from a checkpoint.
 */
export async function train(options: TrainOptions): Promise<TrainResult> {
  const { config } = options
  const log = options.log ?? (() => undefined)
  const hash = configHash(config)
  const T = config.block_size
  const B = config.batch_size
  const A = config.gradient_accumulation_steps
  const data = options.data ?? loadTextData(config.dataset, config.val_fraction, T)
  const vocab = data.tokenizer.vocabSize
  const spec = trainStepSpec(config, vocab)
  const evalSet = evalBatches(data.val, T, spec.evalBatchSize, config.eval_iters)
  const executor = options.executor ?? (await resolveExecutor(config.backend, { threads: executorThreads(config) }))
  const built = buildTrainProgram(spec)
  const session = await executor.load(built.program)
  const metrics = new MetricsLog(join(options.outDir, 'metrics.ndjson'))
  const emit = (step: number, values: Record<string, number>) => {
    const ts = Date.now()
    metrics.write(step, values, ts)
    options.onMetrics?.(toMetricRecords(step, values, ts))
  }

  try {
    // --- state: fresh init or exact restore ---
    let step: number
    let optimizerStep: number
    let sampler: BatchSampler
    let dropoutRng: Prng
    let initRngState: number[]
    let bestMetric: number | null
    const initial = options.initialState
    if (initial) {
      if (initial.configHash !== hash && !options.allowConfigChange) {
        throw new UserError(
          'RESUME_CONFIG',
          `the state to resume was trained with config hash ${initial.configHash.slice(0, 12)}…, this config hashes to ${hash.slice(0, 12)}…`,
          'resume with the same config, or pass --allow-config-change',
        )
      }
      await session.writeState(restoredTensors(initial, built.params))
      step = initial.step
      optimizerStep = initial.optimizer.step
      sampler = BatchSampler.resume(data.train, T, initial.dataCursor)
      dropoutRng = initial.rng.dropout
        ? Prng.fromState(initial.rng.dropout)
        : Prng.fromSeed(roleSeed(config.seed, 'dropout'))
      initRngState = initial.rng.init ?? []
      bestMetric = initial.bestMetric
    } else {
      const initRng = Prng.fromSeed(roleSeed(config.seed, 'init'))
      const params = initGptParams(spec.model, initRng)
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
      step = 0
      optimizerStep = 0
      sampler = BatchSampler.create(data.train, T, roleSeed(config.seed, 'batches'))
      dropoutRng = Prng.fromSeed(roleSeed(config.seed, 'dropout'))
      initRngState = initRng.state()
      bestMetric = null
    }
    const startStep = step
    const stopAt = Math.min(config.max_iters, options.maxSteps ?? Number.POSITIVE_INFINITY)
    let lr = learningRate(step, config)
    let lastEval: Record<string, number> = {}
    let lastLoss = Number.NaN

    const captureState = async (): Promise<TrainState> => {
      const tensors = await session.readState()
      const params: Record<string, TensorData> = {}
      const m: Record<string, TensorData> = {}
      const v: Record<string, TensorData> = {}
      for (const p of built.params) {
        params[p.key] = asTensorData(tensors[p.key])
        m[p.key] = asTensorData(tensors[IO.moment('m', p.key)])
        v[p.key] = asTensorData(tensors[IO.moment('v', p.key)])
      }
      return {
        step,
        epoch: sampler.epoch,
        params,
        tiedParams: { ...TIED_PARAMS },
        optimizer: { step: optimizerStep, m, v },
        rng: { init: initRngState, dropout: dropoutRng.state() },
        dataCursor: sampler.cursor(),
        schedule: { step, lr },
        bestMetric,
        config,
        configHash: hash,
      }
    }

    const evaluate = async (): Promise<EvalResult> => {
      let nllSum = 0
      let correct = 0
      let tokens = 0
      for (const batch of evalSet) {
        const out = await session.run(EVAL_GRAPH, {
          [IO.evalTokens]: { shape: [spec.evalBatchSize, T], dtype: 'int32', data: batch.x },
          [IO.evalTargets]: { shape: [spec.evalBatchSize, T], dtype: 'int32', data: batch.y },
        })
        nllSum += (out[IO.nllSum] as HostTensor).data[0] as number
        correct += (out[IO.correct] as HostTensor).data[0] as number
        tokens += batch.y.length
      }
      const loss = nllSum / tokens
      const ppl = Number.isFinite(nllSum) && nllSum >= 0 ? perplexity({ nllSum, tokens }) : Number.NaN
      return { step, loss, perplexity: ppl, accuracy: correct / tokens, tokens }
    }

    // Feeds are allocated once and refilled every step.
    const lrData = new Float32Array(1)
    const tData = new Float32Array(1)
    const feeds: Record<string, HostTensor> = {
      [IO.lr]: { shape: [], dtype: 'float32', data: lrData },
      [IO.step]: { shape: [], dtype: 'float32', data: tData },
    }
    const micro: Batch[] = []
    const masks: { data: Float32Array }[] = []
    for (let i = 0; i < A; i++) {
      const batch = { x: new Int32Array(B * T), y: new Int32Array(B * T) }
      micro.push(batch)
      feeds[IO.tokens(i)] = { shape: [B, T], dtype: 'int32', data: batch.x }
      feeds[IO.targets(i)] = { shape: [B, T], dtype: 'int32', data: batch.y }
      for (const site of built.dropout) {
        const data = new Float32Array(site.shape.reduce((a, d) => a * d, 1))
        masks.push({ data })
        feeds[IO.dropout(i, site.site)] = { shape: site.shape, dtype: 'float32', data }
      }
    }
    const keep = 1 - config.dropout
    const steps: StepRecord[] = []
    const evals: EvalResult[] = []
    let trainedTokens = 0
    let trainedMs = 0
    let status: TrainResult['status'] = 'completed'

    while (true) {
      // Steps are synchronous compute: yield to the event loop so signals (Ctrl-C) are delivered.
      await new Promise((resolve) => setImmediate(resolve))
      // set LR
      lr = learningRate(step, config)
      const interrupted = options.signal?.aborted === true
      const stopping = interrupted || step >= stopAt

      // eval / checkpoint
      if (!interrupted && (step % config.eval_interval === 0 || step === config.max_iters)) {
        const ev = await evaluate()
        evals.push(ev)
        if (bestMetric === null || ev.loss < bestMetric) bestMetric = ev.loss
        lastEval = { 'val/loss': ev.loss, 'val/perplexity': ev.perplexity, 'val/accuracy': ev.accuracy }
        emit(step, lastEval)
        log(
          `eval step ${step} | val loss ${ev.loss.toFixed(4)} | perplexity ${ev.perplexity.toFixed(3)} | accuracy ${ev.accuracy.toFixed(4)}`,
        )
      }
      const checkpointDue =
        step > startStep && (stopping || (config.checkpoint_every > 0 && step % config.checkpoint_every === 0))
      if (options.checkpointer && checkpointDue) {
        await options.checkpointer.save(await captureState(), { ...lastEval, 'train/loss': lastLoss, step })
      }
      if (stopping) {
        status = interrupted ? 'interrupted' : step >= config.max_iters ? 'completed' : 'stopped'
        break
      }

      // micro-steps: batches and dropout masks for forward/backward
      for (let i = 0; i < A; i++) sampler.next(B, micro[i] as Batch)
      if (config.dropout > 0) {
        const scale = 1 / keep
        for (const { data } of masks) {
          for (let j = 0; j < data.length; j++) data[j] = dropoutRng.nextFloat() < config.dropout ? 0 : scale
        }
      }
      lrData[0] = lr
      tData[0] = optimizerStep + 1

      // clip, step, zero grads: all inside the step graph
      const started = performance.now()
      const out = await session.run(STEP_GRAPH, feeds)
      const ms = performance.now() - started
      optimizerStep++
      step++

      // log
      const loss = (out[IO.loss] as HostTensor).data[0] as number
      const gradNorm = (out[IO.gradNorm] as HostTensor).data[0] as number
      const tokens = A * B * T
      trainedTokens += tokens
      trainedMs += ms
      lastLoss = loss
      const record = { step, loss, lr, gradNorm, tokensPerSecond: (tokens * 1000) / ms }
      steps.push(record)
      emit(step, {
        'train/loss': loss,
        'train/lr': lr,
        'train/grad_norm': gradNorm,
        'train/tokens_per_s': record.tokensPerSecond,
      })
      if (step % config.log_interval === 0 || step === 1) {
        log(
          `step ${step} | loss ${loss.toFixed(4)} | lr ${lr.toExponential(2)} | grad norm ${gradNorm.toFixed(3)} | ${record.tokensPerSecond.toFixed(0)} tok/s`,
        )
      }
      // stop? (checked at the top, after the eval and checkpoint of the new step)
    }
    return {
      status,
      state: await captureState(),
      steps,
      evals,
      tokensPerSecond: trainedMs > 0 ? (trainedTokens * 1000) / trainedMs : 0,
      backend: executor.name,
      device: executor.device,
    }
  } finally {
    await session.dispose()
  }
}

// --- internal ---

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
