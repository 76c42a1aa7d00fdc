import { UserError } from '../../foundation/errors/user-error.ts'
import { Prng } from '../../foundation/random/prng.ts'
import { BatchSampler } from './batches.ts'
import type { HostTensor } from './executor.ts'
import { checkWeightsFit, weightsDigest } from './init-weights.ts'
import { sameShape } from './ir/shape.ts'
import { countParams, initGptParams, initParams, TIED_PARAMS } from './model/gpt.ts'
import { roleSeed } from './seeds.ts'
import type { TrainRun } from './train-run.ts'
import type { BaseModelRef, TensorData, TrainState } from './train-state.ts'
import { IO } from './train-step-graph.ts'

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
  /** The pretrained weights or frozen base the run started from (saved with every checkpoint). */
  base?: BaseModelRef
}

/**
 * The loop's starting state: a fresh start (the model's weights from `run.init` or drawn from
 * the seed; a LoRA run's adapters drawn after them, as PEFT initialises them) or an exact
 * restore of `initial` (a LoRA run's frozen base is rebuilt the same way and must have the
 * digest the checkpoint recorded).
 */
export async function startState(
  run: TrainRun,
  initial: TrainState | undefined,
  allowConfigChange = false,
): Promise<LoopState> {
  const { config, built, session } = run
  const T = config.block_size
  const initRng = Prng.fromSeed(roleSeed(config.seed, 'init'))
  if (initial) {
    if (initial.configHash !== run.hash && !allowConfigChange) {
      throw new UserError(
        'RESUME_CONFIG',
        `the state to resume was trained with config hash ${initial.configHash.slice(0, 12)}…, this config hashes to ${run.hash.slice(0, 12)}…`,
        'resume with the same config, or pass --allow-config-change',
      )
    }
    const frozen = built.frozen.length > 0 ? baseWeights(run, initRng) : undefined
    if (frozen) checkSameBase(frozen.ref, initial.base)
    await session.writeState({
      ...(frozen ? hostTensors(frozen.params) : {}),
      ...restoredTensors(initial, built.params),
    })
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
      ...(initial.base ? { base: initial.base } : {}),
    }
  }
  const base = baseWeights(run, initRng)
  const lora = built.frozen.length > 0
  // A LoRA run trains fresh adapters over the base; any other run trains the base itself.
  const trained = lora ? initParams(built.params, initRng) : base.params
  const fresh: Record<string, HostTensor> = lora ? hostTensors(base.params) : {}
  for (const p of built.params) {
    const tensor = trained[p.key] as TensorData
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
    ...(run.init || lora ? { base: base.ref } : {}),
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
    // a LoRA run saves its adapters only: the tied lm_head belongs to the base it does not save
    ...(run.built.frozen.length === 0 ? { tiedParams: { ...TIED_PARAMS } } : {}),
    optimizer: { step: s.optimizerStep, m, v },
    rng: { init: s.initRngState, dropout: s.dropoutRng.state() },
    dataCursor: s.sampler.cursor(),
    schedule: { step: s.step, lr: s.lr },
    bestMetric: s.bestMetric,
    config: run.config,
    configHash: run.hash,
    ...(s.base ? { base: s.base } : {}),
  }
}

// --- internal ---

/**
 * The model's own weights: `run.init` when the run starts from pretrained ones, else nanoGPT's
 * init drawn from `initRng` (which then moves on, as a fresh run's does), checked against the
 * model's shapes, with their reference.
 */
function baseWeights(run: TrainRun, initRng: Prng): { params: Record<string, TensorData>; ref: BaseModelRef } {
  const model = run.spec.model
  const params = run.init ? run.init.params : initGptParams(model, initRng)
  const source = run.init ? run.init.source : 'init'
  checkWeightsFit(params, [...run.built.frozen, ...(run.built.frozen.length ? [] : run.built.params)], source)
  const digest = run.init ? run.init.digest : weightsDigest(params)
  return { params, ref: { source, digest, parameters: countParams(model, false) } }
}

/** A LoRA run resumes only on the base it was trained on: same tensors, by digest. */
function checkSameBase(current: BaseModelRef, saved: BaseModelRef | undefined): void {
  if (saved && saved.digest === current.digest) return
  throw new UserError(
    'RESUME_BASE',
    saved
      ? `the adapters to resume were trained on base ${saved.source} (digest ${saved.digest.slice(0, 12)}…), but ${current.source} now gives digest ${current.digest.slice(0, 12)}…`
      : 'the state to resume records no base model, but this is a LoRA run: its adapters cannot be matched to a base',
    saved
      ? `restore the base weights ${saved.source} named (npm run train -- registry verify shows damaged registry models), or start a new run`
      : 'resume with the config the checkpoint was written with',
  )
}

function hostTensors(params: Readonly<Record<string, TensorData>>): Record<string, HostTensor> {
  const out: Record<string, HostTensor> = {}
  for (const [key, t] of Object.entries(params)) out[key] = { shape: t.shape, dtype: 'float32', data: t.data }
  return out
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
