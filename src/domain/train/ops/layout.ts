import type { FloatArray, OpAttrs, OpDef, TensorArray, Value } from '../ir/op-types.ts'
import { broadcastPlan, broadcastShapes, fmtShape, invertPerm, sameShape, sizeOf, stridesOf } from '../ir/shape.ts'
import { stridedCopy } from './_loops.ts'
import { transpose2d } from './matmul.ts'

const v0 = (values: readonly Value[]) => values[0] as Value

export const Transpose: OpDef<OpAttrs['Transpose']> = {
  arity: [1, 1],
  infer([x], { perm }) {
    const shape = v0([x as Value]).shape
    const sorted = [...perm].sort((a, b) => a - b)
    if (perm.length !== shape.length || sorted.some((p, i) => p !== i)) {
      throw new Error(`Transpose: perm [${perm.join(',')}] is not a permutation of the axes of ${fmtShape(shape)}`)
    }
    return [{ shape: perm.map((p) => shape[p] as number), dtype: (x as Value).dtype }]
  },
  forward({ inputs, attrs }) {
    const { dims, strides } = transposePlan(v0(inputs).shape, attrs.perm)
    const r = dims.length
    // (…, R, C) → (…, C, R) after collapsing: tiled 2-D transposes.
    if (r >= 2 && r <= 3 && strides[r - 1] === dims[r - 2] && strides[r - 2] === 1) {
      const C = dims[r - 2] as number
      const R = dims[r - 1] as number
      const batches = r === 3 ? (dims[0] as number) : 1
      if (r === 2 || strides[0] === R * C) {
        return {
          run: (ins, outs) => {
            for (let i = 0; i < batches; i++) {
              transpose2d(ins[0] as FloatArray, i * R * C, outs[0] as FloatArray, i * R * C, R, C)
            }
          },
        }
      }
    }
    const idx = new Int32Array(r)
    return { run: (ins, outs) => stridedCopy(ins[0]!, outs[0]!, dims, strides, idx) }
  },
  backward({ b, attrs, dOut, needs }) {
    const g = dOut[0]
    return g && needs[0] ? [b.transpose(g, invertPerm(attrs.perm))] : []
  },
}

/** Output dims of a transpose with the source stride of each, adjacent dims merged where contiguous. */
function transposePlan(shape: readonly number[], perm: readonly number[]): { dims: Int32Array; strides: Int32Array } {
  const inStrides = stridesOf(shape)
  const dims: number[] = []
  const strides: number[] = []
  for (const p of perm) {
    const d = shape[p] as number
    const s = inStrides[p] as number
    if (d === 1) continue
    const last = dims.length - 1
    if (last >= 0 && strides[last] === s * d) {
      dims[last] = (dims[last] as number) * d
      strides[last] = s
    } else {
      dims.push(d)
      strides.push(s)
    }
  }
  if (dims.length === 0) return { dims: Int32Array.of(1), strides: Int32Array.of(0) }
  return { dims: Int32Array.from(dims), strides: Int32Array.from(strides) }
}

/** Reshape: the `ts` executor aliases the buffer where it can; this copy runs where it cannot. */
export const Reshape: OpDef<OpAttrs['Reshape']> = {
  arity: [1, 1],
  onnx: { attrInputs: ['shape'] },
  infer([x], { shape }) {
    const v = x as Value
    if (sizeOf(shape) !== sizeOf(v.shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new Error(`Reshape: cannot reshape ${fmtShape(v.shape)} into ${fmtShape(shape)}`)
    }
    return [{ shape: [...shape], dtype: v.dtype }]
  },
  forward() {
    return { run: (ins, outs) => (outs[0] as TensorArray).set(ins[0] as never) }
  },
  backward({ b, inputs, dOut, needs }) {
    const g = dOut[0]
    return g && needs[0] ? [b.reshape(g, v0(inputs).shape)] : []
  },
}

export const Expand: OpDef<OpAttrs['Expand']> = {
  arity: [1, 1],
  onnx: { attrInputs: ['shape'] },
  infer([x], { shape }) {
    const v = x as Value
    return [{ shape: broadcastShapes(v.shape, shape, 'Expand'), dtype: v.dtype }]
  },
  forward({ inputs, outputs }) {
    const plan = broadcastPlan(v0(outputs).shape, [v0(inputs).shape])
    const sx = plan.strides[0] as Int32Array
    const idx = new Int32Array(plan.dims.length)
    return { run: (ins, outs) => stridedCopy(ins[0]!, outs[0]!, plan.dims, sx, idx) }
  },
  backward({ b, inputs, dOut, needs }) {
    const g = dOut[0]
    return g && needs[0] ? [b.unbroadcast(g, v0(inputs).shape)] : []
  },
}

export const Split: OpDef<OpAttrs['Split']> = {
  arity: [1, 1],
  onnx: { attrInputs: ['split'] },
  infer([x], { axis, split }) {
    const v = x as Value
    const total = split.reduce((a, s) => a + s, 0)
    if (axis < 0 || axis >= v.shape.length || total !== v.shape[axis]) {
      throw new Error(`Split: sizes [${split.join(',')}] do not add up to axis ${axis} of ${fmtShape(v.shape)}`)
    }
    return split.map((s) => ({ shape: v.shape.map((d, i) => (i === axis ? s : d)), dtype: v.dtype }))
  },
  forward({ inputs, attrs }) {
    const shape = v0(inputs).shape
    const outer = sizeOf(shape.slice(0, attrs.axis))
    const inner = sizeOf(shape.slice(attrs.axis + 1))
    const row = (shape[attrs.axis] as number) * inner
    const starts = attrs.split.map((_, i) => attrs.split.slice(0, i).reduce((a, s) => a + s, 0) * inner)
    const lengths = attrs.split.map((s) => s * inner)
    return {
      run: (ins, outs) => {
        const x = ins[0] as TensorArray
        for (let k = 0; k < outs.length; k++) {
          const out = outs[k] as TensorArray
          const len = lengths[k] as number
          const start = starts[k] as number
          for (let o = 0; o < outer; o++) out.set(x.subarray(o * row + start, o * row + start + len) as never, o * len)
        }
      },
    }
  },
  backward({ b, outputs, attrs, dOut, needs }) {
    if (!needs[0]) return []
    const parts = outputs.map((out, i) => dOut[i] ?? b.zeros(out.shape))
    return [b.concat(parts, attrs.axis)]
  },
}

export const Concat: OpDef<OpAttrs['Concat']> = {
  arity: [1, 64],
  infer(inputs, { axis }) {
    const first = v0(inputs)
    let total = 0
    for (const v of inputs) {
      const ok =
        v.dtype === first.dtype &&
        v.shape.length === first.shape.length &&
        v.shape.every((d, i) => i === axis || d === first.shape[i])
      if (!ok) throw new Error(`Concat: ${fmtShape(v.shape)} does not match ${fmtShape(first.shape)} off axis ${axis}`)
      total += v.shape[axis] as number
    }
    return [{ shape: first.shape.map((d, i) => (i === axis ? total : d)), dtype: first.dtype }]
  },
  forward({ inputs, outputs, attrs }) {
    const shape = v0(outputs).shape
    const outer = sizeOf(shape.slice(0, attrs.axis))
    const inner = sizeOf(shape.slice(attrs.axis + 1))
    const row = (shape[attrs.axis] as number) * inner
    const lengths = inputs.map((v) => (v.shape[attrs.axis] as number) * inner)
    const starts = lengths.map((_, i) => lengths.slice(0, i).reduce((a, s) => a + s, 0))
    return {
      run: (ins, outs) => {
        const out = outs[0] as TensorArray
        for (let k = 0; k < ins.length; k++) {
          const x = ins[k] as TensorArray
          const len = lengths[k] as number
          const start = starts[k] as number
          for (let o = 0; o < outer; o++) out.set(x.subarray(o * len, (o + 1) * len) as never, o * row + start)
        }
      },
    }
  },
  backward({ b, inputs, attrs, dOut, needs }) {
    const g = dOut[0]
    if (!g || !needs.some(Boolean)) return []
    return b.split(
      g,
      attrs.axis,
      inputs.map((v) => v.shape[attrs.axis] as number),
    )
  },
}

/** Gather on axis 0 (embedding lookup): `out[i, …] = data[indices[i], …]`; negative indices wrap. */
export const Gather: OpDef<OpAttrs['Gather']> = {
  arity: [2, 2],
  infer([data, indices], { axis }) {
    const d = data as Value
    const i = indices as Value
    if (axis !== 0) throw new Error(`Gather: only axis 0 is supported, got ${axis}`)
    if (i.dtype !== 'int32') throw new Error(`Gather: indices ${i.name} must be int32, got ${i.dtype}`)
    if (d.shape.length < 1) throw new Error('Gather: data must have rank ≥ 1')
    return [{ shape: [...i.shape, ...d.shape.slice(1)], dtype: d.dtype }]
  },
  forward({ inputs }) {
    const data = v0(inputs)
    const rows = data.shape[0] as number
    const inner = sizeOf(data.shape.slice(1))
    const count = sizeOf((inputs[1] as Value).shape)
    return {
      run: (ins, outs) => {
        const x = ins[0] as TensorArray
        const ids = ins[1] as Int32Array
        const out = outs[0] as TensorArray
        for (let i = 0; i < count; i++) {
          let r = ids[i] as number
          if (r < 0) r += rows
          if (r < 0 || r >= rows) throw new Error(`Gather: index ${ids[i]} at position ${i} is outside [0, ${rows})`)
          out.set(x.subarray(r * inner, (r + 1) * inner) as never, i * inner)
        }
      },
    }
  },
  // d data = onehot(indices)ᵀ · d out: Equal + Cast + MatMul, all standard ops (no scatter kernel needed).
  backward({ b, inputs, dOut, needs }) {
    const g = dOut[0]
    const data = v0(inputs)
    if (!g || !needs[0]) return []
    const indices = inputs[1] as Value
    const rows = data.shape[0] as number
    const count = sizeOf(indices.shape)
    const inner = sizeOf(data.shape.slice(1))
    const range = b.constant(
      Array.from({ length: rows }, (_, i) => i),
      [rows],
      'int32',
    )
    const onehot = b.cast(b.equal(b.reshape(indices, [count, 1]), range), 'float32') // (N, V)
    const grad = b.matmul(b.transposeLast(onehot), b.reshape(g, [count, inner])) // (V, N)·(N, C) → (V, C)
    return [sameShape(grad.shape, data.shape) ? grad : b.reshape(grad, data.shape), undefined]
  },
}
