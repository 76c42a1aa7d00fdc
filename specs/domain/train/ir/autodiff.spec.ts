import { describe, expect, test } from 'vitest'
import { gradients } from '../../../../src/domain/train/ir/autodiff.ts'
import { GraphBuilder } from '../../../../src/domain/train/ir/graph-builder.ts'
import type { Value } from '../../../../src/domain/train/ir/op-types.ts'
import { gradCheck } from '../support/grad-check.ts'
import { runGraph } from '../support/run-graph.ts'

describe('gradients()', () => {
  test('sums every use of a value (x·x + 3x → 2x + 3)', async () => {
    const b = new GraphBuilder()
    const x = b.input('x', [3])
    const y = b.reduceSum(b.add(b.mul(x, x), b.mul(x, 3)), 'all', 0)
    const g = gradients(b, y, [x]).get('x') as Value
    const graph = b.finish({ g })
    expect(graph.outputs[0]?.shape).toEqual([3])
    const out = await runGraph([{ name: 'x', shape: [3], data: [1, -2, 0.5] }], (bb, [v]) => {
      const yy = bb.reduceSum(bb.add(bb.mul(v as Value, v as Value), bb.mul(v as Value, 3)), 'all', 0)
      return gradients(bb, yy, [v as Value]).get('x') as Value
    })
    expect([...out.data]).toEqual([5, -1, 4])
  })

  test('inputs that do not reach y get no gradient; non-scalar y needs a seed', () => {
    const b = new GraphBuilder()
    const x = b.input('x', [2])
    const z = b.input('z', [2])
    const y = b.reduceSum(b.exp(x), 'all', 0)
    const g = gradients(b, y, [x, z])
    expect(g.has('x')).toBe(true)
    expect(g.has('z')).toBe(false)
    expect(() => gradients(b, b.exp(x), [x])).toThrow('give a seed of that shape')
  })

  test('nothing flows back through a node that is not differentiable (Equal in a mask)', () => {
    const b = new GraphBuilder()
    const x = b.input('x', [3])
    // y = Σ x · [x == 1]: the mask is a constant of x for the gradient: dy/dx = [x == 1]
    const mask = b.cast(b.equal(x, 1), 'float32')
    const y = b.reduceSum(b.mul(x, mask), 'all', 0)
    const before = b.size
    gradients(b, y, [x])
    const emitted = b
      .emitted()
      .slice(before)
      .map((n) => n.op)
    expect(emitted).not.toContain('Equal')
    expect(emitted).not.toContain('Cast')
  })

  test('a deep chain of primitives (LayerNorm · GELU · cross-entropy shapes) differentiates correctly', async () => {
    const r = await gradCheck(
      [
        { name: 'x', shape: [3, 4], data: Array.from({ length: 12 }, (_, i) => Math.sin(i + 1)) },
        { name: 'w', shape: [4], data: [1, 0.5, -0.3, 2] },
      ],
      (b, [x, w]) => {
        const mean = b.reduceMean(x as Value, [-1], 1)
        const xc = b.sub(x as Value, mean)
        const rstd = b.reciprocal(b.sqrt(b.add(b.reduceMean(b.mul(xc, xc), [-1], 1), 1e-5)))
        return b.logSoftmax(b.tanh(b.mul(b.mul(xc, rstd), w as Value)), -1)
      },
    )
    expect(r.worst, r.detail).toBeLessThanOrEqual(1)
  })
})
