import fc from 'fast-check'
import type { HostTensor } from '../../../../src/domain/train/executor.ts'
import { gradients } from '../../../../src/domain/train/ir/autodiff.ts'
import { GraphBuilder } from '../../../../src/domain/train/ir/graph-builder.ts'
import type { DType, Value } from '../../../../src/domain/train/ir/op-types.ts'
import { sizeOf } from '../../../../src/domain/train/ir/shape.ts'
import { TsExecutor } from '../../../../src/domain/train/ts/ts-executor.ts'
import { Prng } from '../../../../src/foundation/random/prng.ts'

/** One input of a gradient check; float inputs are differentiated, int32/bool ones are held fixed. */
export interface CheckInput {
  name: string
  shape: number[]
  dtype?: DType
  data: number[]
}

export interface GradCheckResult {
  /** Largest |analytic − finite difference| / (atol + rtol·max(|a|, |fd|)) over the checked coordinates (≤ 1 passes). */
  worst: number
  checked: number
  detail: string
}

const EPS = 1e-6
const ATOL = 1e-6
const RTOL = 1e-5

/**
 * Checks reverse-mode gradients against central finite differences in float64: loss =
 * Σ out ⊙ R for a fixed random R, gradients from `gradients()` run on the float64 `ts`
 * executor, and (f(x+ε) − f(x−ε)) / 2ε per coordinate (every coordinate up to `maxCoords` per input).
 */
export async function gradCheck(
  inputs: readonly CheckInput[],
  build: (b: GraphBuilder, values: Value[]) => Value,
  options: { maxCoords?: number; seed?: number } = {},
): Promise<GradCheckResult> {
  const b = new GraphBuilder()
  const values = inputs.map((i) => b.input(i.name, i.shape, i.dtype ?? 'float32'))
  const out = build(b, values)
  const rng = Prng.fromSeed(options.seed ?? 7)
  const weights = b.constant(
    Array.from({ length: sizeOf(out.shape) }, () => rng.nextFloat() * 2 - 1),
    out.shape,
  )
  const loss = b.reduceSum(b.mul(out, weights), 'all', 0)
  const floats = values.filter((v) => v.dtype === 'float32')
  const grads = gradients(b, loss, floats)
  const outputs: Record<string, Value> = { loss }
  for (const v of floats) outputs[`grad.${v.name}`] = grads.get(v.name) ?? b.zeros(v.shape)
  const graph = b.finish(outputs)
  const session = await new TsExecutor({ precision: 'float64' }).load({ graphs: { g: graph }, state: [], updates: {} })
  const feeds: Record<string, HostTensor> = {}
  for (const i of inputs) {
    const dtype = i.dtype ?? 'float32'
    const data =
      dtype === 'float32'
        ? Float64Array.from(i.data)
        : dtype === 'int32'
          ? Int32Array.from(i.data)
          : Uint8Array.from(i.data)
    feeds[i.name] = { shape: i.shape, dtype, data }
  }
  const base = await session.run('g', feeds)
  let worst = 0
  let checked = 0
  let detail = ''
  for (const v of floats) {
    const data = (feeds[v.name] as HostTensor).data as Float64Array
    const analytic = (base[`grad.${v.name}`] as HostTensor).data
    const coords = pickCoords(data.length, options.maxCoords ?? 24, rng)
    for (const k of coords) {
      const saved = data[k] as number
      data[k] = saved + EPS
      const plus = (await session.run('g', feeds)).loss?.data[0] as number
      data[k] = saved - EPS
      const minus = (await session.run('g', feeds)).loss?.data[0] as number
      data[k] = saved
      const fd = (plus - minus) / (2 * EPS)
      const a = analytic[k] as number
      const ratio = Math.abs(a - fd) / (ATOL + RTOL * Math.max(Math.abs(a), Math.abs(fd)))
      checked++
      if (!(ratio <= worst)) {
        worst = Number.isNaN(ratio) ? Number.POSITIVE_INFINITY : ratio
        detail = `${v.name}[${k}]: analytic ${a}, finite difference ${fd}`
      }
    }
  }
  await session.dispose()
  return { worst, checked, detail }
}

function pickCoords(n: number, max: number, rng: Prng): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i)
  const set = new Set<number>()
  while (set.size < max) set.add(rng.nextInt(n))
  return [...set].sort((a, b) => a - b)
}

/** A shape of rank `minRank..maxRank` with dims 1..maxDim. */
export function shapeArb(minRank = 1, maxRank = 3, maxDim = 4): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: 1, max: maxDim }), { minLength: minRank, maxLength: maxRank })
}

/** `shape` and a shape that broadcasts against it (dims set to 1, leading dims dropped), in random order. */
export function broadcastPairArb(): fc.Arbitrary<[number[], number[]]> {
  return shapeArb(1, 4, 3).chain((shape) =>
    fc
      .tuple(
        fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }),
        fc.integer({ min: 0, max: shape.length - 1 }),
        fc.boolean(),
      )
      .map(([ones, drop, swap]) => {
        const other = shape.map((d, i) => (ones[i] ? 1 : d)).slice(drop)
        return swap ? [other, shape] : [shape, other]
      }),
  )
}

/** `n` doubles in [min, max], away from 0 by `gap` when `gap` > 0. */
export function valuesArb(n: number, min = -2, max = 2, gap = 0): fc.Arbitrary<number[]> {
  return fc
    .array(fc.double({ min, max, noNaN: true, noDefaultInfinity: true }), { minLength: n, maxLength: n })
    .map((xs) => xs.map((x) => (gap > 0 && Math.abs(x) < gap ? (x < 0 ? -gap : gap) : x)))
}

/** Values for a float input of `shape`. */
export function inputArb(name: string, shape: number[], min = -2, max = 2, gap = 0): fc.Arbitrary<CheckInput> {
  return valuesArb(sizeOf(shape), min, max, gap).map((data) => ({ name, shape, data }))
}
