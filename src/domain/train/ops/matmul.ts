import type { FloatArray, OpAttrs, OpDef, Value } from '../ir/op-types.ts'
import { broadcastShapes, fmtShape, sizeOf, stridesOf } from '../ir/shape.ts'

/**
 * MatMul with NumPy batch broadcasting over operands of rank ≥ 2. The kernel computes
 * `C = A·Bᵀ` from rows of A and rows of Bᵀ (dot products over contiguous memory, 4×4 register
 * blocks); B is transposed into scratch first unless the `ts` executor fused a preceding
 * Transpose. Every output element is one sequential sum over k in double, rounded once: the
 * result does not depend on the blocking, so reruns are bit-identical.
 */
export const MatMul: OpDef<OpAttrs['MatMul']> = {
  arity: [2, 2],
  infer([a, b]) {
    const x = a as Value
    const y = b as Value
    if (x.dtype !== 'float32' || y.dtype !== 'float32') throw new Error(`MatMul: operands must be float32`)
    if (x.shape.length < 2 || y.shape.length < 2) {
      throw new Error(`MatMul: operands need rank ≥ 2, got ${fmtShape(x.shape)} and ${fmtShape(y.shape)}`)
    }
    const [m, k] = x.shape.slice(-2) as [number, number]
    const [k2, n] = y.shape.slice(-2) as [number, number]
    if (k !== k2) {
      throw new Error(`MatMul: a is ${fmtShape(x.shape)} but b is ${fmtShape(y.shape)}; inner dims must match`)
    }
    const batch = broadcastShapes(x.shape.slice(0, -2), y.shape.slice(0, -2), 'MatMul')
    return [{ shape: [...batch, m, n], dtype: 'float32' }]
  },
  forward({ inputs, bTransposed, gemm: pooled }) {
    const gemm = pooled ?? gemmNT
    const aShape = (inputs[0] as Value).shape
    const given = (inputs[1] as Value).shape
    const rb = given.length
    // The logical B is [..., K, N]; with `bTransposed` the buffer holds Bᵀ as [..., N, K].
    const bShape = bTransposed ? [...given.slice(0, -2), given[rb - 1] as number, given[rb - 2] as number] : given
    const [M, K] = aShape.slice(-2) as [number, number]
    const N = bShape[bShape.length - 1] as number
    const batchA = aShape.slice(0, -2)
    const batchB = bShape.slice(0, -2)
    if (sizeOf(batchB) === 1) {
      // B has no batch: fold A's batch into rows.
      const rows = sizeOf(batchA) * M
      return {
        scratch: bTransposed ? [] : [K * N],
        run: (ins, outs, scratch) => {
          const a = ins[0] as FloatArray
          let bt = ins[1] as FloatArray
          if (!bTransposed) {
            bt = scratch[0] as FloatArray
            transpose2d(ins[1] as FloatArray, 0, bt, 0, K, N)
          }
          gemm(a, 0, bt, 0, outs[0] as FloatArray, 0, rows, N, K)
        },
      }
    }
    const batch = broadcastShapes(batchA, batchB, 'MatMul')
    const count = sizeOf(batch)
    const offA = batchOffsets(batch, batchA, M * K)
    const offB = batchOffsets(batch, batchB, K * N)
    return {
      scratch: bTransposed ? [] : [K * N],
      run: (ins, outs, scratch) => {
        const a = ins[0] as FloatArray
        const b = ins[1] as FloatArray
        const c = outs[0] as FloatArray
        const tmp = scratch[0] as FloatArray
        let last = -1
        for (let i = 0; i < count; i++) {
          const ob = offB[i] as number
          if (bTransposed) {
            gemm(a, offA[i] as number, b, ob, c, i * M * N, M, N, K)
          } else {
            if (ob !== last) transpose2d(b, ob, tmp, 0, K, N)
            last = ob
            gemm(a, offA[i] as number, tmp, 0, c, i * M * N, M, N, K)
          }
        }
      },
    }
  },
  backward({ b, inputs, dOut, needs }) {
    const g = dOut[0]
    if (!g) return []
    const A = inputs[0] as Value
    const B = inputs[1] as Value
    const ra = A.shape.length
    const rb = B.shape.length
    const K = A.shape[ra - 1] as number
    const N = B.shape[rb - 1] as number
    // dA = dC·Bᵀ, dB = Aᵀ·dC, each summed over broadcast batch dims.
    const dA = needs[0] ? b.unbroadcast(b.matmul(g, b.transposeLast(B)), A.shape) : undefined
    let dB: Value | undefined
    if (needs[1]) {
      if (rb === 2 && ra > 2) {
        // A weight shared over the batch: one [K, rows]·[rows, N] product instead of a batch of them.
        dB = b.matmul(b.transposeLast(b.reshape(A, [-1, K])), b.reshape(g, [-1, N]))
      } else {
        dB = b.unbroadcast(b.matmul(b.transposeLast(A), g), B.shape)
      }
    }
    return [dA, dB]
  },
}

/** Offset of each batch item of `operand` (broadcast over `batch`), in elements. */
function batchOffsets(batch: readonly number[], operand: readonly number[], matrix: number): Int32Array {
  const count = sizeOf(batch)
  const out = new Int32Array(count)
  const lead = batch.length - operand.length
  const strides = stridesOf(operand)
  const idx = new Array<number>(batch.length).fill(0)
  for (let i = 0; i < count; i++) {
    let off = 0
    for (let d = 0; d < operand.length; d++) {
      if ((operand[d] as number) !== 1) off += (idx[d + lead] as number) * (strides[d] as number)
    }
    out[i] = off * matrix
    for (let d = batch.length - 1; d >= 0; d--) {
      idx[d] = (idx[d] as number) + 1
      if ((idx[d] as number) < (batch[d] as number)) break
      idx[d] = 0
    }
  }
  return out
}

/** `dst[c·R + r] = src[r·C + c]` for an R×C block, in 32×32 tiles. */
export function transpose2d(src: FloatArray, so: number, dst: FloatArray, dso: number, R: number, C: number): void {
  const T = 32
  for (let r0 = 0; r0 < R; r0 += T) {
    const r1 = r0 + T < R ? r0 + T : R
    for (let c0 = 0; c0 < C; c0 += T) {
      const c1 = c0 + T < C ? c0 + T : C
      for (let r = r0; r < r1; r++) {
        const s = so + r * C
        for (let c = c0; c < c1; c++) dst[dso + c * R + r] = src[s + c] as number
      }
    }
  }
}

/**
 * `C[M×N] = A[M×K] · Bt[N×K]ᵀ`: rows of A against rows of Bt. 4×4 blocks keep 16 sums in
 * registers and load each operand element once per block.
 */
export function gemmNT(
  a: FloatArray,
  ao: number,
  b: FloatArray,
  bo: number,
  c: FloatArray,
  co: number,
  M: number,
  N: number,
  K: number,
): void {
  const M4 = M - (M % 4)
  const N4 = N - (N % 4)
  for (let i = 0; i < M4; i += 4) {
    const a0 = ao + i * K
    const a1 = a0 + K
    const a2 = a1 + K
    const a3 = a2 + K
    const c0 = co + i * N
    for (let j = 0; j < N4; j += 4) {
      const b0 = bo + j * K
      const b1 = b0 + K
      const b2 = b1 + K
      const b3 = b2 + K
      let s00 = 0
      let s01 = 0
      let s02 = 0
      let s03 = 0
      let s10 = 0
      let s11 = 0
      let s12 = 0
      let s13 = 0
      let s20 = 0
      let s21 = 0
      let s22 = 0
      let s23 = 0
      let s30 = 0
      let s31 = 0
      let s32 = 0
      let s33 = 0
      for (let k = 0; k < K; k++) {
        const y0 = b[b0 + k] as number
        const y1 = b[b1 + k] as number
        const y2 = b[b2 + k] as number
        const y3 = b[b3 + k] as number
        let x = a[a0 + k] as number
        s00 += x * y0
        s01 += x * y1
        s02 += x * y2
        s03 += x * y3
        x = a[a1 + k] as number
        s10 += x * y0
        s11 += x * y1
        s12 += x * y2
        s13 += x * y3
        x = a[a2 + k] as number
        s20 += x * y0
        s21 += x * y1
        s22 += x * y2
        s23 += x * y3
        x = a[a3 + k] as number
        s30 += x * y0
        s31 += x * y1
        s32 += x * y2
        s33 += x * y3
      }
      let o = c0 + j
      c[o] = s00
      c[o + 1] = s01
      c[o + 2] = s02
      c[o + 3] = s03
      o += N
      c[o] = s10
      c[o + 1] = s11
      c[o + 2] = s12
      c[o + 3] = s13
      o += N
      c[o] = s20
      c[o + 1] = s21
      c[o + 2] = s22
      c[o + 3] = s23
      o += N
      c[o] = s30
      c[o + 1] = s31
      c[o + 2] = s32
      c[o + 3] = s33
    }
    for (let j = N4; j < N; j++) {
      const b0 = bo + j * K
      let s0 = 0
      let s1 = 0
      let s2 = 0
      let s3 = 0
      for (let k = 0; k < K; k++) {
        const y = b[b0 + k] as number
        s0 += (a[a0 + k] as number) * y
        s1 += (a[a1 + k] as number) * y
        s2 += (a[a2 + k] as number) * y
        s3 += (a[a3 + k] as number) * y
      }
      c[c0 + j] = s0
      c[c0 + N + j] = s1
      c[c0 + 2 * N + j] = s2
      c[c0 + 3 * N + j] = s3
    }
  }
  for (let i = M4; i < M; i++) {
    const a0 = ao + i * K
    const c0 = co + i * N
    for (let j = 0; j < N; j++) {
      const b0 = bo + j * K
      let s = 0
      for (let k = 0; k < K; k++) s += (a[a0 + k] as number) * (b[b0 + k] as number)
      c[c0 + j] = s
    }
  }
}
