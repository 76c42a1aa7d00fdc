import type { FloatArray, OpAttrs, OpDef, TypeInfo, Value } from '../ir/op-types.ts'
import { sizeOf } from '../ir/shape.ts'

function inferLastAxis(op: string, x: Value, axis: number): TypeInfo[] {
  if (x.dtype !== 'float32') throw new Error(`${op}: ${x.name} must be float32`)
  if (axis !== x.shape.length - 1) throw new Error(`${op}: only the last axis is supported, got axis ${axis}`)
  return [{ shape: [...x.shape], dtype: 'float32' }]
}

/** Rows of the last axis: (rows, n). */
function rowsOf(x: Value): [number, number] {
  const n = x.shape[x.shape.length - 1] as number
  return [n === 0 ? 0 : sizeOf(x.shape) / n, n]
}

/** The largest of x[base .. base+n), NaN if any is NaN (so a NaN row stays NaN), −∞ for n = 0. */
function rowMax(x: FloatArray, base: number, n: number): number {
  let m = Number.NEGATIVE_INFINITY
  for (let j = 0; j < n; j++) {
    const v = x[base + j] as number
    if (!Number.isNaN(m) && (v > m || Number.isNaN(v))) m = v
  }
  return m
}

/** Softmax over the last axis, max-shifted; masked entries (−1e9 added) come out exactly 0. */
export const Softmax: OpDef<OpAttrs['Softmax']> = {
  arity: [1, 1],
  infer: ([x], { axis }) => inferLastAxis('Softmax', x as Value, axis),
  forward({ inputs }) {
    const [rows, n] = rowsOf(inputs[0] as Value)
    return {
      run: (ins, outs) => {
        const x = ins[0] as FloatArray
        const y = outs[0] as FloatArray
        for (let r = 0; r < rows; r++) {
          const base = r * n
          const m = rowMax(x, base, n)
          let s = 0
          for (let j = 0; j < n; j++) {
            const e = Math.exp((x[base + j] as number) - m)
            y[base + j] = e
            s += e
          }
          const inv = 1 / s
          for (let j = 0; j < n; j++) y[base + j] = (y[base + j] as number) * inv
        }
      },
    }
  },
  // dx = y ⊙ (dy − Σ dy⊙y)
  backward({ b, outputs, attrs, dOut, needs }) {
    const g = dOut[0]
    if (!g || !needs[0]) return []
    const y = outputs[0] as Value
    return [b.mul(y, b.sub(g, b.reduceSum(b.mul(g, y), [attrs.axis], 1)))]
  },
}

/** log(softmax(x)) over the last axis: x − max − log Σ exp(x − max). */
export const LogSoftmax: OpDef<OpAttrs['LogSoftmax']> = {
  arity: [1, 1],
  infer: ([x], { axis }) => inferLastAxis('LogSoftmax', x as Value, axis),
  forward({ inputs }) {
    const [rows, n] = rowsOf(inputs[0] as Value)
    return {
      run: (ins, outs) => {
        const x = ins[0] as FloatArray
        const y = outs[0] as FloatArray
        for (let r = 0; r < rows; r++) {
          const base = r * n
          const m = rowMax(x, base, n)
          let s = 0
          for (let j = 0; j < n; j++) s += Math.exp((x[base + j] as number) - m)
          const lse = m + Math.log(s)
          for (let j = 0; j < n; j++) y[base + j] = (x[base + j] as number) - lse
        }
      },
    }
  },
  // dx = dy − softmax(x) ⊙ Σ dy, with softmax(x) = exp(y)
  backward({ b, outputs, attrs, dOut, needs }) {
    const g = dOut[0]
    if (!g || !needs[0]) return []
    const y = outputs[0] as Value
    return [b.sub(g, b.mul(b.exp(y), b.reduceSum(g, [attrs.axis], 1)))]
  },
}
