import { Prng } from '../../../foundation/random/prng.ts'
import type { Executor, HostTensor } from '../executor.ts'
import { initGptParams } from '../model/gpt.ts'
import { buildTrainProgram, IO, loadTrainProgram, STEP_GRAPH, type TrainStepSpec } from '../train-step-graph.ts'

/** One micro-batch of int32 token ids and next-token targets, (B, T) each. */
export interface MicroBatch {
  tokens: Int32Array
  targets: Int32Array
}

export interface TrajectoryOptions {
  spec: TrainStepSpec
  /** Optimizer steps to run. */
  steps: number
  /** Seeds the parameter init (nanoGPT's init through `initGptParams`). */
  seed: number
  /** Constant learning rate (default 1e-3). */
  lr?: number
  /** The micro-batch for (step, micro); default `chainBatches(spec, seed + 1)`. */
  batches?: (step: number, micro: number) => MicroBatch
}

/** What K train steps left behind: per-step loss and gradient norm, final weights, step times. */
export interface Trajectory {
  backend: string
  device: string
  losses: number[]
  gradNorms: number[]
  params: Record<string, Float32Array>
  /** Wall time of each step (run + loss download), seconds. */
  stepSeconds: number[]
  /** Program load time (export + session creation on ORT), seconds. */
  loadSeconds: number
}

/**
 * Runs `steps` train steps of the whole-step program on `executor` from a seeded init and
 * fixed batches, so two executors can be compared step for step. Dropout must be 0 (masks are
 * not fed here).
 */
export async function runTrajectory(executor: Executor, options: TrajectoryOptions): Promise<Trajectory> {
  const { spec } = options
  if (spec.model.dropout !== 0) throw new Error('runTrajectory: dropout must be 0 (no masks are fed)')
  const lr = options.lr ?? 1e-3
  const batches = options.batches ?? chainBatches(spec, options.seed + 1)
  const built = buildTrainProgram(spec)
  const { params } = built
  let t = performance.now()
  const session = await loadTrainProgram(executor, built)
  const loadSeconds = (performance.now() - t) / 1000
  try {
    const init = initGptParams(spec.model, Prng.fromSeed(options.seed))
    const state: Record<string, HostTensor> = {}
    for (const p of params)
      state[p.key] = { shape: p.shape, dtype: 'float32', data: (init[p.key] as { data: Float32Array }).data }
    await session.writeState(state)
    const losses: number[] = []
    const gradNorms: number[] = []
    const stepSeconds: number[] = []
    const B = spec.batchSize
    const T = spec.model.block_size
    for (let step = 0; step < options.steps; step++) {
      const feeds: Record<string, HostTensor> = {
        [IO.lr]: scalar(lr),
        [IO.step]: scalar(step + 1),
      }
      for (let micro = 0; micro < spec.accumulation; micro++) {
        const batch = batches(step, micro)
        feeds[IO.tokens(micro)] = { shape: [B, T], dtype: 'int32', data: batch.tokens }
        feeds[IO.targets(micro)] = { shape: [B, T], dtype: 'int32', data: batch.targets }
      }
      t = performance.now()
      const out = await session.run(STEP_GRAPH, feeds)
      stepSeconds.push((performance.now() - t) / 1000)
      losses.push((out[IO.loss] as HostTensor).data[0] as number)
      gradNorms.push((out[IO.gradNorm] as HostTensor).data[0] as number)
    }
    const final = await session.readState(params.map((p) => p.key))
    const weights: Record<string, Float32Array> = {}
    for (const p of params) weights[p.key] = (final[p.key] as HostTensor).data as Float32Array
    return {
      backend: executor.name,
      device: executor.device,
      losses,
      gradNorms,
      params: weights,
      stepSeconds,
      loadSeconds,
    }
  } finally {
    await session.dispose()
  }
}

/**
 * Learnable synthetic batches: a fixed random successor for every token (a random permutation),
 * so a sequence is a walk `x, π(x), π(π(x)), …` from a random start. Next-token loss can fall
 * from ln(vocab) towards 0, which is what a smoke run needs to see.
 */
export function chainBatches(spec: TrainStepSpec, seed: number): (step: number, micro: number) => MicroBatch {
  const V = spec.model.vocab_size
  const B = spec.batchSize
  const T = spec.model.block_size
  const rng = Prng.fromSeed(seed)
  const next = Int32Array.from({ length: V }, (_, i) => i)
  for (let i = V - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1)
    const tmp = next[i] as number
    next[i] = next[j] as number
    next[j] = tmp
  }
  return (step, micro) => {
    const r = Prng.fromSeed((seed ^ Math.imul(step + 1, 0x9e3779b1) ^ Math.imul(micro + 1, 0x85ebca6b)) >>> 0)
    const tokens = new Int32Array(B * T)
    const targets = new Int32Array(B * T)
    for (let b = 0; b < B; b++) {
      let x = r.nextInt(V)
      for (let t = 0; t < T; t++) {
        tokens[b * T + t] = x
        x = next[x] as number
        targets[b * T + t] = x
      }
    }
    return { tokens, targets }
  }
}

/** How far `other` is from `reference`. */
export interface Agreement {
  /** max over steps of |loss − loss_ref| / |loss_ref| */
  lossRel: number
  /** ‖w − w_ref‖₂ / ‖w_ref‖₂ over all parameters together */
  weightRel: number
  /** The parameter tensor with the largest ‖w − w_ref‖₂ / ‖w_ref‖₂, and that value. */
  worstTensor: { key: string; rel: number }
}

/** Relative differences of losses and final weights between two trajectories of the same run. */
export function compareTrajectories(reference: Trajectory, other: Trajectory): Agreement {
  if (reference.losses.length !== other.losses.length) {
    throw new Error(`compareTrajectories: ${reference.losses.length} vs ${other.losses.length} steps`)
  }
  let lossRel = 0
  reference.losses.forEach((ref, i) => {
    lossRel = Math.max(lossRel, Math.abs((other.losses[i] as number) - ref) / Math.abs(ref))
  })
  let diff = 0
  let norm = 0
  let worstTensor = { key: '', rel: 0 }
  for (const [key, ref] of Object.entries(reference.params)) {
    const got = other.params[key]
    if (!got || got.length !== ref.length) throw new Error(`compareTrajectories: ${key} is missing or differs in size`)
    let d = 0
    let n = 0
    for (let i = 0; i < ref.length; i++) {
      const r = ref[i] as number
      const e = (got[i] as number) - r
      d += e * e
      n += r * r
    }
    diff += d
    norm += n
    const rel = n > 0 ? Math.sqrt(d / n) : Math.sqrt(d)
    if (rel >= worstTensor.rel) worstTensor = { key, rel }
  }
  return { lossRel, weightRel: Math.sqrt(diff / norm), worstTensor }
}

function scalar(value: number): HostTensor {
  return { shape: [], dtype: 'float32', data: Float32Array.of(value) }
}
