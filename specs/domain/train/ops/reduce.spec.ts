import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import type { Value } from '../../../../src/domain/train/ir/op-types.ts'
import { sizeOf } from '../../../../src/domain/train/ir/shape.ts'
import { gradCheck, inputArb, shapeArb } from '../support/grad-check.ts'
import { runGraph, unravel } from '../support/run-graph.ts'

type Reduce = 'ReduceSum' | 'ReduceMean' | 'ReduceMax'

const arb = shapeArb(1, 4, 4).chain((shape) =>
  fc.tuple(
    inputArb('x', shape),
    fc.subarray(
      Array.from({ length: shape.length }, (_, i) => i),
      { minLength: 1 },
    ),
    fc.constantFrom(0 as const, 1 as const),
  ),
)

/** Reference reduction: group elements by their kept indices. */
function reference(op: Reduce, x: { shape: number[]; data: number[] }, axes: number[], keepdims: 0 | 1) {
  const groups = new Map<string, number[]>()
  for (let i = 0; i < x.data.length; i++) {
    const key = unravel(i, x.shape)
      .map((v, d) => (axes.includes(d) ? 0 : v))
      .join(',')
    groups.set(key, [...(groups.get(key) ?? []), x.data[i] as number])
  }
  const values = [...groups.values()].map((g) =>
    op === 'ReduceMax' ? Math.max(...g) : g.reduce((a, v) => a + v, 0) / (op === 'ReduceMean' ? g.length : 1),
  )
  const shape = keepdims
    ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d))
    : x.shape.filter((_, i) => !axes.includes(i))
  return { shape, values }
}

describe('reductions', () => {
  for (const op of ['ReduceSum', 'ReduceMean', 'ReduceMax'] as const) {
    test(`${op}: forward over any axes subset, keepdims 0/1, equals the reference; gradient matches finite differences`, async () => {
      await fc.assert(
        fc.asyncProperty(arb, async ([x, axes, keepdims]) => {
          // Max has a kink at ties: keep values distinct by more than the FD step.
          if (op === 'ReduceMax') {
            const sorted = [...x.data].sort((a, b) => a - b)
            fc.pre(sorted.every((v, i) => i === 0 || v - (sorted[i - 1] as number) > 1e-4))
          }
          const out = await runGraph([x], (b, [v]) => b.op(op, [v as Value], { axes, keepdims })[0] as Value)
          const want = reference(op, x, axes, keepdims)
          expect(out.shape).toEqual(want.shape)
          want.values.forEach((v, i) => {
            expect(out.data[i]).toBeCloseTo(v, 12)
          })
          const r = await gradCheck([x], (b, [v]) => b.op(op, [v as Value], { axes, keepdims })[0] as Value)
          expect(r.worst, r.detail).toBeLessThanOrEqual(1)
        }),
        { numRuns: 40 },
      )
    })
  }

  test('ReduceMax is NaN-sticky; the general (non-contiguous axes) path sums like the fast one', async () => {
    const withNan = await runGraph([{ name: 'x', shape: [2, 3], data: [1, Number.NaN, 3, 4, 5, 6] }], (b, [v]) =>
      b.reduceMax(v as Value, [1], 0),
    )
    expect(Number.isNaN(withNan.data[0] as number)).toBe(true)
    expect(withNan.data[1]).toBe(6)
    const data = Array.from({ length: 2 * 3 * 4 }, (_, i) => (i * 37) % 11)
    const general = await runGraph([{ name: 'x', shape: [2, 3, 4], data }], (b, [v]) =>
      b.reduceSum(v as Value, [0, 2], 0),
    )
    expect([...general.data]).toEqual(
      [0, 1, 2].map((j) => data.filter((_, i) => Math.floor(i / 4) % 3 === j).reduce((a, v) => a + v, 0)),
    )
  })

  test('ArgMax picks the first maximum of the last axis, as int32', async () => {
    const out = await runGraph(
      [{ name: 'x', shape: [3, 4], data: [1, 5, 5, 2, -1, -2, -3, -4, 0, 0, 0, 9] }],
      (b, [v]) => b.argmax(v as Value, -1, 0),
    )
    expect(out.dtype).toBe('int32')
    expect([...out.data]).toEqual([1, 0, 3])
  })

  test('sizes: a reduction of every axis without keepdims is a scalar', async () => {
    const x = { name: 'x', shape: [2, 2], data: [1, 2, 3, 4] }
    const out = await runGraph([x], (b, [v]) => b.reduceMean(v as Value, 'all', 0))
    expect(out.shape).toEqual([])
    expect(sizeOf(out.shape)).toBe(1)
    expect(out.data[0]).toBe(2.5)
  })
})
