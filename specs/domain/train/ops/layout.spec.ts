import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import type { Value } from '../../../../src/domain/train/ir/op-types.ts'
import { sizeOf, stridesOf } from '../../../../src/domain/train/ir/shape.ts'
import { gradCheck, inputArb, shapeArb } from '../support/grad-check.ts'
import { runGraph, unravel } from '../support/run-graph.ts'

const permArb = (rank: number) =>
  fc.shuffledSubarray(
    Array.from({ length: rank }, (_, i) => i),
    { minLength: rank, maxLength: rank },
  )

describe('Transpose', () => {
  const arb = shapeArb(1, 4, 5).chain((shape) => fc.tuple(inputArb('x', shape), permArb(shape.length)))

  test('forward moves every element to its permuted index; gradient matches finite differences', async () => {
    await fc.assert(
      fc.asyncProperty(arb, async ([x, perm]) => {
        const out = await runGraph([x], (b, [v]) => b.op('Transpose', [v as Value], { perm })[0] as Value)
        const shape = perm.map((p) => x.shape[p] as number)
        expect(out.shape).toEqual(shape)
        const inStrides = stridesOf(x.shape)
        for (let i = 0; i < sizeOf(shape); i++) {
          const idx = unravel(i, shape)
          const src = idx.reduce((s, v, d) => s + v * (inStrides[perm[d] as number] as number), 0)
          expect(out.data[i]).toBe(x.data[src])
        }
        const r = await gradCheck([x], (b, [v]) => b.op('Transpose', [v as Value], { perm })[0] as Value)
        expect(r.worst, r.detail).toBeLessThanOrEqual(1)
      }),
      { numRuns: 50 },
    )
  })

  test('a large last-two-axes swap (tiled path) is exact', async () => {
    const data = Array.from({ length: 2 * 40 * 70 }, (_, i) => i)
    const out = await runGraph([{ name: 'x', shape: [2, 40, 70], data }], (b, [v]) => b.transposeLast(v as Value))
    for (let n = 0; n < 2; n++)
      for (let r = 0; r < 70; r++)
        for (let c = 0; c < 40; c++) expect(out.data[n * 2800 + r * 40 + c]).toBe(n * 2800 + c * 70 + r)
  })
})

describe('Reshape and Expand', () => {
  test('Reshape keeps the data order; its gradient reshapes back', async () => {
    const x = { name: 'x', shape: [2, 3, 4], data: Array.from({ length: 24 }, (_, i) => i / 7) }
    const out = await runGraph([x], (b, [v]) => b.mul(b.reshape(v as Value, [4, -1]), 2))
    expect(out.shape).toEqual([4, 6])
    expect([...out.data]).toEqual(x.data.map((v) => v * 2))
    const r = await gradCheck([x], (b, [v]) => b.reshape(v as Value, [6, 4]))
    expect(r.worst, r.detail).toBeLessThanOrEqual(1)
  })

  test('Expand broadcasts; its gradient sums over the broadcast axes', async () => {
    const arb = shapeArb(1, 3, 3).chain((shape) =>
      fc
        .tuple(
          fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }),
          fc.integer({ min: 1, max: 3 }),
        )
        .chain(([ones, lead]) => {
          const small = shape.map((d, i) => (ones[i] ? 1 : d))
          return fc.tuple(inputArb('x', small), fc.constant([lead, ...shape]))
        }),
    )
    await fc.assert(
      fc.asyncProperty(arb, async ([x, target]) => {
        const out = await runGraph([x], (b, [v]) => b.expand(v as Value, target))
        expect(out.shape).toEqual(target)
        const r = await gradCheck([x], (b, [v]) => b.op('Expand', [v as Value], { shape: [...target] })[0] as Value)
        expect(r.worst, r.detail).toBeLessThanOrEqual(1)
      }),
      { numRuns: 30 },
    )
  })
})

describe('Split and Concat', () => {
  const arb = shapeArb(1, 3, 4)
    .chain((shape) =>
      fc.tuple(
        fc.constant(shape),
        fc.integer({ min: 0, max: shape.length - 1 }),
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }),
      ),
    )
    .chain(([shape, axis, sizes]) => {
      const full = shape.map((d, i) => (i === axis ? sizes.reduce((a, s) => a + s, 0) : d))
      return fc.tuple(inputArb('x', full), fc.constant(axis), fc.constant(sizes))
    })

  test('Concat(Split(x)) is x; both gradients match finite differences, including unused Split outputs', async () => {
    await fc.assert(
      fc.asyncProperty(arb, async ([x, axis, sizes]) => {
        const round = await runGraph([x], (b, [v]) => b.concat(b.split(v as Value, axis, sizes), axis))
        expect([...round.data]).toEqual(x.data)
        // Only the last part reaches the loss: the others' gradient is zero-filled.
        const r = await gradCheck([x], (b, [v]) => b.split(v as Value, axis, sizes).at(-1) as Value)
        expect(r.worst, r.detail).toBeLessThanOrEqual(1)
        const parts = sizes.map((_, i) => ({
          ...x,
          name: `p${i}`,
          shape: x.shape.map((d, k) => (k === axis ? (sizes[i] as number) : d)),
        }))
        const sized = parts.map((p) => ({ ...p, data: x.data.slice(0, sizeOf(p.shape)) }))
        const r2 = await gradCheck(sized, (b, vs) => b.mul(b.concat(vs, axis), b.concat(vs, axis)))
        expect(r2.worst, r2.detail).toBeLessThanOrEqual(1)
      }),
      { numRuns: 30 },
    )
  })
})

describe('Gather (axis 0)', () => {
  test('rows by index, negative indices wrapping; the gradient sums repeated rows', async () => {
    const data = { name: 'd', shape: [4, 3], data: Array.from({ length: 12 }, (_, i) => i + 0.5) }
    const ids = { name: 'i', shape: [2, 3], dtype: 'int32' as const, data: [0, 3, 3, -1, 1, 0] }
    const out = await runGraph([data, ids], (b, [d, i]) => b.gather(d as Value, i as Value))
    expect(out.shape).toEqual([2, 3, 3])
    const rows = [0, 3, 3, 3, 1, 0]
    rows.forEach((row, k) => {
      expect([...out.data.slice(k * 3, k * 3 + 3)]).toEqual(data.data.slice(row * 3, row * 3 + 3))
    })
    const r = await gradCheck([data, { ...ids, data: [0, 3, 3, 2, 1, 0] }], (b, [d, i]) =>
      b.gather(d as Value, i as Value),
    )
    expect(r.worst, r.detail).toBeLessThanOrEqual(1)
  })

  test('an index outside the table is an error naming it', async () => {
    await expect(
      runGraph(
        [
          { name: 'd', shape: [2, 2], data: [1, 2, 3, 4] },
          { name: 'i', shape: [2], dtype: 'int32', data: [1, 2] },
        ],
        (b, [d, i]) => b.gather(d as Value, i as Value),
      ),
    ).rejects.toThrow('Gather: index 2 at position 1 is outside [0, 2)')
  })
})
