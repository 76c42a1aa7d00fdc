import type { TensorArray } from '../ir/op-types.ts'

/**
 * Loop bodies generated once per op from an expression, so every op gets its own monomorphic
 * hot loop (a shared loop calling a per-op closure would be megamorphic and never inlined).
 * Values are computed in double and rounded once on store: for + − × ÷ √ that is exactly the
 * IEEE float32 result.
 */

/** `out[o] = f(a[ia], b[ib])` over a collapsed broadcast plan (see `broadcastPlan`). */
export type BinaryLoop = (
  a: TensorArray,
  b: TensorArray,
  out: TensorArray,
  dims: Int32Array,
  sa: Int32Array,
  sb: Int32Array,
  idx: Int32Array,
) => void

/** `out[i] = f(x[i])` over `n` contiguous elements. */
export type UnaryLoop = (x: TensorArray, out: TensorArray, n: number) => void

/** Builds a broadcasting binary loop; `expr` reads `x` (from a) and `y` (from b). */
export function binaryLoop(expr: string): BinaryLoop {
  // The innermost stride of an operand is always 0 (broadcast) or 1 (contiguous): see broadcastPlan.
  const body = `
    const r = dims.length, n = dims[r - 1], ja = sa[r - 1], jb = sb[r - 1]
    let total = 1
    for (let d = 0; d < r; d++) { total *= dims[d]; idx[d] = 0 }
    let ia = 0, ib = 0
    for (let o = 0; o < total; o += n) {
      if (ja === 1 && jb === 1) {
        for (let j = 0; j < n; j++) { const x = a[ia + j], y = b[ib + j]; out[o + j] = ${expr} }
      } else if (ja === 1) {
        const y = b[ib]
        for (let j = 0; j < n; j++) { const x = a[ia + j]; out[o + j] = ${expr} }
      } else if (jb === 1) {
        const x = a[ia]
        for (let j = 0; j < n; j++) { const y = b[ib + j]; out[o + j] = ${expr} }
      } else {
        const x = a[ia], y = b[ib]
        for (let j = 0; j < n; j++) out[o + j] = ${expr}
      }
      for (let d = r - 2; d >= 0; d--) {
        ia += sa[d]; ib += sb[d]
        if (++idx[d] < dims[d]) break
        ia -= sa[d] * dims[d]; ib -= sb[d] * dims[d]; idx[d] = 0
      }
    }`
  return new Function('a', 'b', 'out', 'dims', 'sa', 'sb', 'idx', body) as BinaryLoop
}

/** Builds a contiguous unary loop; `expr` reads `v`. */
export function unaryLoop(expr: string): UnaryLoop {
  return new Function('x', 'out', 'n', `for (let i = 0; i < n; i++) { const v = x[i]; out[i] = ${expr} }`) as UnaryLoop
}

/**
 * `out[o] = x[ix]` for contiguous `out` over collapsed `dims` with source strides `sx`: Expand
 * (strides 0 where broadcast) and Transpose (permuted strides) both use it.
 */
export function stridedCopy(x: TensorArray, out: TensorArray, dims: Int32Array, sx: Int32Array, idx: Int32Array): void {
  const r = dims.length
  const n = dims[r - 1] as number
  const jx = sx[r - 1] as number
  let total = 1
  for (let d = 0; d < r; d++) {
    total *= dims[d] as number
    idx[d] = 0
  }
  let ix = 0
  for (let o = 0; o < total; o += n) {
    if (jx === 1) for (let j = 0; j < n; j++) out[o + j] = x[ix + j] as number
    else if (jx === 0) out.fill(x[ix] as number, o, o + n)
    else for (let j = 0; j < n; j++) out[o + j] = x[ix + j * jx] as number
    for (let d = r - 2; d >= 0; d--) {
      ix += sx[d] as number
      const k = (idx[d] as number) + 1
      if (k < (dims[d] as number)) {
        idx[d] = k
        break
      }
      ix -= (sx[d] as number) * (dims[d] as number)
      idx[d] = 0
    }
  }
}
