import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import type { Value } from '../../../../src/domain/train/ir/op-types.ts'
import { CAUSAL_MASK_VALUE } from '../../../../src/domain/train/model/gpt.ts'
import { gradCheck, inputArb, shapeArb } from '../support/grad-check.ts'
import { runGraph } from '../support/run-graph.ts'

const arb = shapeArb(1, 3, 5).chain((shape) => inputArb('x', shape, -4, 4))

function softmaxRows(shape: number[], data: number[], log: boolean): number[] {
  const n = shape[shape.length - 1] as number
  const out: number[] = []
  for (let r = 0; r < data.length / n; r++) {
    const row = data.slice(r * n, r * n + n)
    const m = Math.max(...row)
    const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0))
    for (const v of row) out.push(log ? v - lse : Math.exp(v - lse))
  }
  return out
}

describe('Softmax and LogSoftmax (last axis)', () => {
  for (const op of ['Softmax', 'LogSoftmax'] as const) {
    test(`${op}: forward equals the reference; gradient matches finite differences`, async () => {
      await fc.assert(
        fc.asyncProperty(arb, async (x) => {
          const axis = x.shape.length - 1
          const out = await runGraph([x], (b, [v]) => b.op(op, [v as Value], { axis })[0] as Value)
          softmaxRows(x.shape, x.data, op === 'LogSoftmax').forEach((v, i) => {
            expect(out.data[i]).toBeCloseTo(v, 12)
          })
          const r = await gradCheck([x], (b, [v]) => b.op(op, [v as Value], { axis })[0] as Value)
          expect(r.worst, r.detail).toBeLessThanOrEqual(1)
        }),
        { numRuns: 40 },
      )
    })
  }

  test('entries masked with the causal mask value come out exactly 0 in float32', async () => {
    const out = await runGraph(
      [{ name: 'x', shape: [2, 3], data: [5, 1 + CAUSAL_MASK_VALUE, CAUSAL_MASK_VALUE, 0.5, -0.5, CAUSAL_MASK_VALUE] }],
      (b, [v]) => b.softmax(v as Value, -1),
      'float32',
    )
    expect([...out.data.slice(0, 3)]).toEqual([1, 0, 0])
    expect(out.data[5]).toBe(0)
    expect((out.data[3] as number) + (out.data[4] as number)).toBeCloseTo(1, 6)
  })

  test('an axis other than the last is refused', async () => {
    await expect(
      runGraph(
        [{ name: 'x', shape: [2, 3], data: [1, 2, 3, 4, 5, 6] }],
        (b, [v]) => b.op('Softmax', [v as Value], { axis: 0 })[0] as Value,
      ),
    ).rejects.toThrow('Softmax: only the last axis is supported, got axis 0')
  })
})
