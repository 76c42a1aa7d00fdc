import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { GraphBuilder } from '../../../../src/domain/train/ir/graph-builder.ts'
import type { Value } from '../../../../src/domain/train/ir/op-types.ts'
import { broadcastShapes, sizeOf } from '../../../../src/domain/train/ir/shape.ts'
import { gemmNT } from '../../../../src/domain/train/ops/matmul.ts'
import { gradCheck, inputArb } from '../support/grad-check.ts'
import { ravelBroadcast, runGraph, unravel } from '../support/run-graph.ts'

/** Shapes A [...ba, M, K] and B [...bb, K, N] with broadcastable batch dims (B may have none). */
const shapesArb = fc
  .record({
    m: fc.integer({ min: 1, max: 9 }),
    k: fc.integer({ min: 1, max: 9 }),
    n: fc.integer({ min: 1, max: 9 }),
    batch: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
    onesA: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
    onesB: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
    dropB: fc.integer({ min: 0, max: 2 }),
  })
  .map(({ m, k, n, batch, onesA, onesB, dropB }) => {
    const ba = batch.map((d, i) => (onesA[i] ? 1 : d))
    const bb = batch.map((d, i) => (onesB[i] ? 1 : d)).slice(Math.min(dropB, batch.length))
    return { a: [...ba, m, k], b: [...bb, k, n] }
  })

function referenceMatmul(a: number[], as: number[], b: number[], bs: number[]): { shape: number[]; data: number[] } {
  const [m, k] = as.slice(-2) as [number, number]
  const n = bs[bs.length - 1] as number
  const batch = broadcastShapes(as.slice(0, -2), bs.slice(0, -2), 'ref')
  const shape = [...batch, m, n]
  const data: number[] = []
  for (let i = 0; i < sizeOf(shape); i++) {
    const idx = unravel(i, shape)
    const bi = idx.slice(0, -2)
    const [r, c] = idx.slice(-2) as [number, number]
    let s = 0
    for (let t = 0; t < k; t++) {
      s += (a[ravelBroadcast([...bi, r, t], as)] as number) * (b[ravelBroadcast([...bi, t, c], bs)] as number)
    }
    data.push(s)
  }
  return { shape, data }
}

describe('MatMul', () => {
  test('forward equals the reference product over random shapes with batch broadcasting', async () => {
    const arb = shapesArb.chain((s) => fc.tuple(inputArb('a', s.a), inputArb('b', s.b)))
    await fc.assert(
      fc.asyncProperty(arb, async ([a, b]) => {
        const out = await runGraph([a, b], (g, [va, vb]) => g.matmul(va as Value, vb as Value))
        const want = referenceMatmul(a.data, a.shape, b.data, b.shape)
        expect(out.shape).toEqual(want.shape)
        want.data.forEach((v, i) => {
          expect(out.data[i]).toBeCloseTo(v, 10)
        })
      }),
      { numRuns: 60 },
    )
  })

  test('gradients of both operands match finite differences (float64)', async () => {
    const arb = shapesArb.chain((s) => fc.tuple(inputArb('a', s.a), inputArb('b', s.b)))
    await fc.assert(
      fc.asyncProperty(arb, async ([a, b]) => {
        const r = await gradCheck([a, b], (g, [va, vb]) => g.matmul(va as Value, vb as Value))
        expect(r.worst, r.detail).toBeLessThanOrEqual(1)
      }),
      { numRuns: 30 },
    )
  })

  test('a Linear (x·Wᵀ with W [out, in]) fused on the ts executor gives the same bits as an explicit Bᵀ feed', async () => {
    const x = Array.from({ length: 3 * 5 * 7 }, (_, i) => Math.sin(i * 1.3))
    const w = Array.from({ length: 6 * 7 }, (_, i) => Math.cos(i * 0.7))
    const wt = Array.from({ length: 7 * 6 }, (_, i) => w[(i % 6) * 7 + Math.floor(i / 6)] as number)
    const fused = await runGraph(
      [
        { name: 'x', shape: [3, 5, 7], data: x },
        { name: 'w', shape: [6, 7], data: w },
      ],
      (g, [vx, vw]) => g.matmul(vx as Value, g.transposeLast(vw as Value)),
      'float32',
    )
    const plain = await runGraph(
      [
        { name: 'x', shape: [3, 5, 7], data: x },
        { name: 'wt', shape: [7, 6], data: wt },
      ],
      (g, [vx, vwt]) => g.matmul(vx as Value, vwt as Value),
      'float32',
    )
    expect(fused.shape).toEqual([3, 5, 6])
    expect([...fused.data]).toEqual([...plain.data])
  })

  test('gemmNT: every output is one sequential double sum, whatever the 4×4 blocking', () => {
    const M = 7
    const N = 6
    const K = 5
    const a = Float32Array.from({ length: M * K }, (_, i) => Math.sin(i))
    const bt = Float32Array.from({ length: N * K }, (_, i) => Math.cos(i))
    const c = new Float32Array(M * N)
    gemmNT(a, 0, bt, 0, c, 0, M, N, K)
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0
        for (let k = 0; k < K; k++) s += (a[i * K + k] as number) * (bt[j * K + k] as number)
        expect(c[i * N + j]).toBe(Math.fround(s))
      }
    }
  })

  test('shape errors carry the numbers', () => {
    const g = new GraphBuilder()
    expect(() => g.matmul(g.input('a', [2, 3]), g.input('b', [4, 5]))).toThrow(
      'MatMul: a is [2,3] but b is [4,5]; inner dims must match',
    )
    expect(() => g.matmul(g.input('v', [3]), g.input('w', [3, 2]))).toThrow('MatMul: operands need rank ≥ 2')
  })
})
