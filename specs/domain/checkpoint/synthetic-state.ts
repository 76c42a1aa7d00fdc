// A deterministic TrainState for checkpoint specs and the fault child: every value is a
// function of (seed, step), so a reader can tell a right checkpoint from a wrong or torn one.
import { createHash } from 'node:crypto'
import type { TensorData, TrainState } from '../../../src/domain/train/train-state.ts'
import { Prng } from '../../../src/foundation/random/prng.ts'

/** nanoGPT-style names and shapes for a tiny model (vocab 16, block 8, embd 8, one layer). */
export const TINY_SHAPES: Record<string, number[]> = {
  'transformer.wte.weight': [16, 8],
  'transformer.wpe.weight': [8, 8],
  'transformer.h.0.ln_1.weight': [8],
  'transformer.h.0.attn.c_attn.weight': [24, 8],
  'transformer.h.0.attn.c_proj.weight': [8, 8],
  'transformer.h.0.mlp.c_fc.weight': [32, 8],
  'transformer.h.0.mlp.c_proj.weight': [8, 32],
  'transformer.ln_f.weight': [8],
  'lm_head.weight': [16, 8],
}

export interface SyntheticOptions {
  seed?: number
  shapes?: Record<string, number[]>
  config?: unknown
}

export function syntheticState(step: number, options: SyntheticOptions = {}): TrainState {
  const seed = options.seed ?? 1
  const shapes = options.shapes ?? TINY_SHAPES
  const config = options.config ?? { model: 'tiny', seed }
  const prng = Prng.fromSeed((seed * 1_000_003 + step) >>> 0)
  const fill = (shape: number[]): TensorData => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1))
    for (let i = 0; i < data.length; i++) data[i] = prng.nextNormal()
    return { shape: [...shape], data }
  }
  const params: Record<string, TensorData> = {}
  const m: Record<string, TensorData> = {}
  const v: Record<string, TensorData> = {}
  for (const [name, shape] of Object.entries(shapes)) {
    params[name] = fill(shape)
    m[name] = fill(shape)
    v[name] = fill(shape)
  }
  return {
    step,
    epoch: step / 7,
    params,
    optimizer: { step, m, v },
    rng: { init: Prng.fromSeed(seed).state(), batches: prng.state(), dropout: [step, 1, 2, 3] },
    dataCursor: {
      epoch: Math.floor(step / 7),
      permutation_seed: seed,
      permutation_sha256: 'ab'.repeat(32),
      position: step % 7,
    },
    schedule: { step, lr: 6e-4 * (1 - step / 1000) },
    bestMetric: step === 0 ? null : 3 - step / 1000,
    config,
    configHash: createHash('sha256').update(JSON.stringify(config)).digest('hex'),
  }
}

/** Bitwise comparison of two states' tensors (NaN payloads and -0 included, key order not) and scalars. */
export function sameState(a: TrainState, b: TrainState): boolean {
  const bits = (t: TensorData | undefined) =>
    t ? Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength) : null
  const sameTensors = (x: Record<string, TensorData>, y: Record<string, TensorData>) =>
    Object.keys(x).sort().join('\n') === Object.keys(y).sort().join('\n') &&
    Object.keys(x).every((k) => {
      const p = bits(x[k])
      const q = bits(y[k])
      return p !== null && q !== null && p.equals(q) && x[k]?.shape.join(',') === y[k]?.shape.join(',')
    })
  const { params: pa, optimizer: oa, ...ra } = a
  const { params: pb, optimizer: ob, ...rb } = b
  return (
    sameTensors(pa, pb) &&
    sameTensors(oa.m, ob.m) &&
    sameTensors(oa.v, ob.v) &&
    oa.step === ob.step &&
    JSON.stringify(sortKeys(ra), floatReplacer) === JSON.stringify(sortKeys(rb), floatReplacer)
  )
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => [k, sortKeys(v)]),
  )
}

function floatReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0)))
    return `float:${String(Object.is(value, -0) ? '-0' : value)}`
  return value
}

/**
 * `syntheticState` plus a 512×512 parameter (3 MiB with its moments) whose values are cheap to
 * compute, so a save loop spends its time saving rather than generating.
 */
export function faultState(step: number, seed: number): TrainState {
  const state = syntheticState(step, { seed })
  const big = (salt: number) => {
    const data = new Float32Array(512 * 512)
    for (let i = 0; i < data.length; i++) data[i] = ((i * 2654435761 + step * 97 + salt) % 100003) / 1000
    return { shape: [512, 512], data }
  }
  state.params['big.weight'] = big(1)
  state.optimizer.m['big.weight'] = big(2)
  state.optimizer.v['big.weight'] = big(3)
  return state
}

/** `syntheticState` with nanoGPT's weight tying: `lm_head.weight` is `transformer.wte.weight`. */
export function tiedState(step: number, options: SyntheticOptions = {}): TrainState {
  const state = syntheticState(step, options)
  const { 'lm_head.weight': _p, ...params } = state.params
  const { 'lm_head.weight': _m, ...m } = state.optimizer.m
  const { 'lm_head.weight': _v, ...v } = state.optimizer.v
  return {
    ...state,
    params,
    tiedParams: { 'lm_head.weight': 'transformer.wte.weight' },
    optimizer: { ...state.optimizer, m, v },
  }
}
