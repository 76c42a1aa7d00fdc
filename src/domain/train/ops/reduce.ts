import type { FloatArray, GradContext, OpAttrs, OpDef, PreparedKernel, TypeInfo, Value } from '../ir/op-types.ts'
import { fmtShape, sizeOf, stridesOf } from '../ir/shape.ts'

type ReduceAttrs = OpAttrs['ReduceSum']
type Kind = 'sum' | 'mean' | 'max'

function inferReduce(op: string, x: Value, { axes, keepdims }: ReduceAttrs): TypeInfo[] {
  if (x.dtype !== 'float32') throw new Error(`${op}: ${x.name} must be float32`)
  for (const a of axes) {
    if (!Number.isInteger(a) || a < 0 || a >= x.shape.length) {
      throw new Error(`${op}: axis ${a} is out of range for ${fmtShape(x.shape)}`)
    }
  }
  const shape = keepdims
    ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d))
    : x.shape.filter((_, i) => !axes.includes(i))
  return [{ shape, dtype: 'float32' }]
}

/** The reduced shape with kept dims, for broadcasting a gradient back. */
function keptShape(x: Value, axes: readonly number[]): number[] {
  return x.shape.map((d, i) => (axes.includes(i) ? 1 : d))
}

/**
 * A reduction kernel. Each output is accumulated in double in the input's memory order, so
 * the fast paths and the general path give the same bits. Max is NaN-sticky.
 */
function reduceKernel(kind: Kind, x: Value, axes: readonly number[]): PreparedKernel {
  const shape = x.shape
  const count = axes.reduce((p, a) => p * (shape[a] as number), 1)
  const scale = kind === 'mean' ? 1 / count : 1
  // Collapse into runs of kept (K) / reduced (R) dims.
  const runs: { reduce: boolean; size: number }[] = []
  shape.forEach((d, i) => {
    if (d === 1) return
    const reduce = axes.includes(i)
    const last = runs[runs.length - 1]
    if (last && last.reduce === reduce) last.size *= d
    else runs.push({ reduce, size: d })
  })
  const reducedRuns = runs.filter((r) => r.reduce).length
  if (reducedRuns <= 1) {
    const at = runs.findIndex((r) => r.reduce)
    const outer = at < 0 ? sizeOf(shape) : runs.slice(0, at).reduce((p, r) => p * r.size, 1)
    const red = at < 0 ? 1 : (runs[at] as { size: number }).size
    const inner = at < 0 ? 1 : runs.slice(at + 1).reduce((p, r) => p * r.size, 1)
    const acc = new Float64Array(inner)
    return {
      run: (ins, outs) =>
        reduceBlock(kind === 'max', ins[0] as FloatArray, outs[0] as FloatArray, outer, red, inner, scale, acc),
    }
  }
  // General: walk the input in memory order, accumulating into the output slot of each element.
  const outStrides = stridesOf(keptShape(x, axes)).map((s, i) => (axes.includes(i) ? 0 : s))
  const total = sizeOf(shape)
  const outSize = total / count
  const dims = Int32Array.from(shape)
  const so = Int32Array.from(outStrides)
  const idx = new Int32Array(shape.length)
  const acc = new Float64Array(outSize)
  const isMax = kind === 'max'
  return {
    run: (ins, outs) => {
      const src = ins[0] as FloatArray
      const out = outs[0] as FloatArray
      acc.fill(isMax ? Number.NEGATIVE_INFINITY : 0)
      idx.fill(0)
      let o = 0
      for (let i = 0; i < total; i++) {
        const v = src[i] as number
        const a = acc[o] as number
        acc[o] = isMax ? (!Number.isNaN(a) && (v > a || Number.isNaN(v)) ? v : a) : a + v
        for (let d = dims.length - 1; d >= 0; d--) {
          o += so[d] as number
          const k = (idx[d] as number) + 1
          if (k < (dims[d] as number)) {
            idx[d] = k
            break
          }
          o -= (so[d] as number) * (dims[d] as number)
          idx[d] = 0
        }
      }
      for (let i = 0; i < outSize; i++) out[i] = (acc[i] as number) * scale
    },
  }
}

/** Reduces x viewed as [outer, red, inner] over `red`, rows in memory order into double accumulators. */
function reduceBlock(
  isMax: boolean,
  x: FloatArray,
  out: FloatArray,
  outer: number,
  red: number,
  inner: number,
  scale: number,
  acc: Float64Array,
): void {
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      const base = o * red
      let s = isMax ? Number.NEGATIVE_INFINITY : 0
      if (isMax) {
        for (let r = 0; r < red; r++) {
          const v = x[base + r] as number
          if (!Number.isNaN(s) && (v > s || Number.isNaN(v))) s = v
        }
      } else {
        for (let r = 0; r < red; r++) s += x[base + r] as number
      }
      out[o] = s * scale
    }
    return
  }
  for (let o = 0; o < outer; o++) {
    const base = o * red * inner
    acc.fill(isMax ? Number.NEGATIVE_INFINITY : 0)
    for (let r = 0; r < red; r++) {
      const row = base + r * inner
      if (isMax) {
        for (let i = 0; i < inner; i++) {
          const v = x[row + i] as number
          const a = acc[i] as number
          if (!Number.isNaN(a) && (v > a || Number.isNaN(v))) acc[i] = v
        }
      } else {
        for (let i = 0; i < inner; i++) acc[i] = (acc[i] as number) + (x[row + i] as number)
      }
    }
    for (let i = 0; i < inner; i++) out[o * inner + i] = (acc[i] as number) * scale
  }
}

function reduceOp(op: string, kind: Kind, backward: (ctx: GradContext<ReduceAttrs>) => Value | undefined) {
  const def: OpDef<ReduceAttrs> = {
    arity: [1, 1],
    infer: ([x], attrs) => inferReduce(op, x as Value, attrs),
    forward: ({ inputs, attrs }) => reduceKernel(kind, inputs[0] as Value, attrs.axes),
    backward: (ctx) => (ctx.dOut[0] && ctx.needs[0] ? [backward(ctx)] : []),
    onnx: kind === 'sum' ? { attrInputs: ['axes'] } : undefined,
  }
  return def
}

/** d x = broadcast of d y back over the reduced axes. */
function spread(ctx: GradContext<ReduceAttrs>): Value {
  const x = ctx.inputs[0] as Value
  const g = ctx.dOut[0] as Value
  return ctx.b.expand(ctx.b.reshape(g, keptShape(x, ctx.attrs.axes)), x.shape)
}

export const ReduceSum = reduceOp('ReduceSum', 'sum', spread)

export const ReduceMean = reduceOp('ReduceMean', 'mean', (ctx) => {
  const x = ctx.inputs[0] as Value
  const count = ctx.attrs.axes.reduce((p, a) => p * (x.shape[a] as number), 1)
  return ctx.b.div(spread(ctx), count) // Div by the (exact) count, not Mul by a rounded 1/count
})

// Gradient flows to every position equal to the max (ties share it, as the mask is not normalized).
export const ReduceMax = reduceOp('ReduceMax', 'max', (ctx) => {
  const { b, attrs } = ctx
  const x = ctx.inputs[0] as Value
  const kept = keptShape(x, attrs.axes)
  const mask = b.cast(b.equal(x, b.reshape(ctx.outputs[0] as Value, kept)), 'float32')
  return b.mul(mask, b.reshape(ctx.dOut[0] as Value, kept))
})

/** Index of the first maximum along the last axis, as int32. */
export const ArgMax: OpDef<OpAttrs['ArgMax']> = {
  arity: [1, 1],
  infer([x], { axis, keepdims }) {
    const v = x as Value
    if (axis !== v.shape.length - 1) throw new Error(`ArgMax: only the last axis is supported, got ${axis}`)
    const shape = keepdims ? v.shape.map((d, i) => (i === axis ? 1 : d)) : v.shape.slice(0, -1)
    return [{ shape, dtype: 'int32' }]
  },
  forward({ inputs }) {
    const shape = (inputs[0] as Value).shape
    const n = shape[shape.length - 1] as number
    const rows = sizeOf(shape) / n
    return {
      run: (ins, outs) => {
        const x = ins[0] as FloatArray
        const out = outs[0] as Int32Array
        for (let r = 0; r < rows; r++) {
          const base = r * n
          let best = 0
          let m = x[base] as number
          for (let j = 1; j < n; j++) {
            const v = x[base + j] as number
            if (v > m) {
              m = v
              best = j
            }
          }
          out[r] = best
        }
      },
    }
  },
}
