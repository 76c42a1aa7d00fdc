/** Shape helpers shared by shape inference and the kernels. Shapes are plain `number[]`, C order. */

/** Number of elements of `shape` (1 for a scalar `[]`). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1
  for (const d of shape) n *= d
  return n
}

/** Row-major strides of `shape`, in elements. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length)
  let s = 1
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s
    s *= shape[i] as number
  }
  return strides
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i])
}

/** `[2,3]` → `"[2,3]"`, for messages that carry the numbers. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`
}

/** NumPy/ONNX multidirectional broadcasting of two shapes. */
export function broadcastShapes(a: readonly number[], b: readonly number[], op: string): number[] {
  const rank = Math.max(a.length, b.length)
  const out = new Array<number>(rank)
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1
    const db = b[b.length - rank + i] ?? 1
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`${op}: shapes ${fmtShape(a)} and ${fmtShape(b)} do not broadcast (dim ${i}: ${da} vs ${db})`)
    }
    out[i] = da === 1 ? db : da
  }
  return out
}

/** A possibly negative axis made non-negative, checked against `rank`. */
export function normalizeAxis(axis: number, rank: number, op: string): number {
  const a = axis < 0 ? axis + rank : axis
  if (!Number.isInteger(a) || a < 0 || a >= rank)
    throw new Error(`${op}: axis ${axis} is out of range for rank ${rank}`)
  return a
}

/** Sorted, unique, non-negative axes. */
export function normalizeAxes(axes: readonly number[], rank: number, op: string): number[] {
  const set = new Set(axes.map((a) => normalizeAxis(a, rank, op)))
  return [...set].sort((x, y) => x - y)
}

/** The perm that undoes `perm`. */
export function invertPerm(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length)
  perm.forEach((p, i) => {
    inv[p] = i
  })
  return inv
}

/** The perm that swaps the last two axes of a rank-`rank` tensor. */
export function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i)
  perm[rank - 2] = rank - 1
  perm[rank - 1] = rank - 2
  return perm
}

export function isIdentityPerm(perm: readonly number[]): boolean {
  return perm.every((p, i) => p === i)
}

/**
 * Collapses a broadcast over `outShape` into the fewest dims: each operand gets per-dim strides
 * (0 where it is broadcast); adjacent dims merge when every operand is contiguous across them.
 * Kernels iterate `dims` with an odometer whose innermost loop is long.
 */
export function broadcastPlan(
  outShape: readonly number[],
  inShapes: readonly (readonly number[])[],
): { dims: Int32Array; strides: Int32Array[] } {
  const rank = outShape.length
  const dims: number[] = []
  const strides: number[][] = inShapes.map(() => [])
  const full = inShapes.map((shape) => {
    const s = stridesOf(shape)
    return outShape.map((d, i) => {
      const j = shape.length - rank + i
      if (j < 0) return 0
      return (shape[j] as number) === 1 && d !== 1 ? 0 : (s[j] as number)
    })
  })
  for (let i = 0; i < rank; i++) {
    const d = outShape[i] as number
    if (d === 1) continue
    const last = dims.length - 1
    const mergeable = last >= 0 && full.every((s, k) => (strides[k]?.[last] as number) === (s[i] as number) * d)
    if (mergeable) {
      dims[last] = (dims[last] as number) * d
      full.forEach((s, k) => {
        ;(strides[k] as number[])[last] = s[i] as number
      })
    } else {
      dims.push(d)
      full.forEach((s, k) => {
        ;(strides[k] as number[]).push(s[i] as number)
      })
    }
  }
  if (dims.length === 0) {
    dims.push(1)
    for (const s of strides) s.push(0)
  }
  return { dims: Int32Array.from(dims), strides: strides.map((s) => Int32Array.from(s)) }
}
