import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { gradients } from '../../../../src/domain/train/ir/autodiff.ts'
import { GraphBuilder } from '../../../../src/domain/train/ir/graph-builder.ts'
import type { OpType, Value } from '../../../../src/domain/train/ir/op-types.ts'
import { broadcastShapes, sizeOf } from '../../../../src/domain/train/ir/shape.ts'
import { broadcastPairArb, gradCheck, inputArb, shapeArb } from '../support/grad-check.ts'
import { ravelBroadcast, runGraph, unravel } from '../support/run-graph.ts'

type Binary = 'Add' | 'Sub' | 'Mul' | 'Div' | 'Pow' | 'Min'

/** Reference semantics and input domains (Pow needs x > 0; Div keeps y away from 0). */
const BINARY: Record<
  Binary,
  { f: (x: number, y: number) => number; x: [number, number, number]; y: [number, number, number] }
> = {
  Add: { f: (x, y) => x + y, x: [-2, 2, 0], y: [-2, 2, 0] },
  Sub: { f: (x, y) => x - y, x: [-2, 2, 0], y: [-2, 2, 0] },
  Mul: { f: (x, y) => x * y, x: [-2, 2, 0], y: [-2, 2, 0] },
  Div: { f: (x, y) => x / y, x: [-2, 2, 0], y: [-2, 2, 0.4] },
  Pow: { f: (x, y) => x ** y, x: [0.3, 2, 0], y: [-2, 2, 0] },
  Min: { f: (x, y) => Math.min(x, y), x: [-2, 2, 0], y: [-2, 2, 0] },
}

const pairInputs = (op: Binary) =>
  broadcastPairArb().chain(([sx, sy]) => {
    const d = BINARY[op]
    return fc.tuple(inputArb('x', sx, d.x[0], d.x[1], d.x[2]), inputArb('y', sy, d.y[0], d.y[1], d.y[2]))
  })

/** Every broadcast pair of elements differs by more than `gap`. */
function apart(x: { shape: number[]; data: number[] }, y: { shape: number[]; data: number[] }, gap: number): boolean {
  const shape = broadcastShapes(x.shape, y.shape, 'apart')
  for (let i = 0; i < sizeOf(shape); i++) {
    const idx = unravel(i, shape)
    const a = x.data[ravelBroadcast(idx, x.shape)] as number
    const b = y.data[ravelBroadcast(idx, y.shape)] as number
    if (Math.abs(a - b) <= gap) return false
  }
  return true
}

describe('broadcasting binary ops', () => {
  for (const op of Object.keys(BINARY) as Binary[]) {
    test(`${op}: forward equals the elementwise reference over random broadcast shapes`, async () => {
      await fc.assert(
        fc.asyncProperty(pairInputs(op), async ([x, y]) => {
          const out = await runGraph([x, y], (b, [vx, vy]) => b.op(op, [vx as Value, vy as Value], {})[0] as Value)
          const shape = broadcastShapes(x.shape, y.shape, op)
          expect(out.shape).toEqual(shape)
          for (let i = 0; i < sizeOf(shape); i++) {
            const idx = unravel(i, shape)
            const want = BINARY[op].f(
              x.data[ravelBroadcast(idx, x.shape)] as number,
              y.data[ravelBroadcast(idx, y.shape)] as number,
            )
            expect(out.data[i]).toBeCloseTo(want, 12)
          }
        }),
        { numRuns: 40 },
      )
    })

    test(`${op}: gradient matches central finite differences (float64)`, async () => {
      await fc.assert(
        fc.asyncProperty(pairInputs(op), async ([x, y]) => {
          // Min has a kink where x = y: keep the pair apart by more than the FD step.
          fc.pre(op !== 'Min' || apart(x, y, 1e-3))
          const r = await gradCheck(
            [x, y],
            (b, [vx, vy]) => b.op(op as OpType, [vx as Value, vy as Value], {} as never)[0] as Value,
          )
          expect(r.worst, r.detail).toBeLessThanOrEqual(1)
        }),
        { numRuns: 25 },
      )
    })
  }

  test('Min propagates NaN from either side and sends the gradient of a tie to x', async () => {
    const out = await runGraph(
      [
        { name: 'x', shape: [3], data: [Number.NaN, 1, 2] },
        { name: 'y', shape: [3], data: [0, Number.NaN, 2] },
      ],
      (b, [x, y]) => b.min(x as Value, y as Value),
    )
    expect(Number.isNaN(out.data[0] as number)).toBe(true)
    expect(Number.isNaN(out.data[1] as number)).toBe(true)
    expect(out.data[2]).toBe(2)
  })

  test('Equal and Less yield bool and pass no gradient', async () => {
    const eq = await runGraph(
      [
        { name: 'x', shape: [4], data: [1, 2, 3, 4] },
        { name: 'y', shape: [1], data: [3] },
      ],
      (b, [x, y]) => b.equal(x as Value, y as Value),
    )
    expect(eq.dtype).toBe('bool')
    expect([...eq.data]).toEqual([0, 0, 1, 0])
    const lt = await runGraph(
      [
        { name: 'x', shape: [4], data: [1, 2, 3, 4] },
        { name: 'y', shape: [1], data: [3] },
      ],
      (b, [x, y]) => b.less(x as Value, y as Value),
    )
    expect([...lt.data]).toEqual([1, 1, 0, 0])
    const b = new GraphBuilder()
    const x = b.input('x', [2])
    const loss = b.reduceSum(b.cast(b.less(x, 0), 'float32'), 'all', 0)
    expect(gradients(b, loss, [x]).has('x')).toBe(false)
  })

  test('mixed dtypes and non-broadcasting shapes are refused with the numbers', () => {
    const b = new GraphBuilder()
    const x = b.input('x', [2, 3])
    const y = b.input('y', [4, 3])
    expect(() => b.add(x, y)).toThrow('Add: shapes [2,3] and [4,3] do not broadcast (dim 0: 2 vs 4)')
    const i = b.input('i', [2, 3], 'int32')
    expect(() => b.add(x, i)).toThrow('Add: x is float32 but i is int32')
  })
})

type Unary = 'Neg' | 'Exp' | 'Log' | 'Sqrt' | 'Tanh' | 'Reciprocal' | 'Identity'

const UNARY: Record<Unary, { f: (x: number) => number; domain: [number, number, number] }> = {
  Neg: { f: (x) => -x, domain: [-2, 2, 0] },
  Exp: { f: Math.exp, domain: [-2, 2, 0] },
  Log: { f: Math.log, domain: [0.2, 3, 0] },
  Sqrt: { f: Math.sqrt, domain: [0.2, 3, 0] },
  Tanh: { f: Math.tanh, domain: [-2, 2, 0] },
  Reciprocal: { f: (x) => 1 / x, domain: [-2, 2, 0.3] },
  Identity: { f: (x) => x, domain: [-2, 2, 0] },
}

describe('unary ops', () => {
  for (const op of Object.keys(UNARY) as Unary[]) {
    const [min, max, gap] = UNARY[op].domain
    const input = shapeArb(0, 3, 4).chain((shape) => inputArb('x', shape, min, max, gap))

    test(`${op}: forward and gradient (finite differences, float64)`, async () => {
      await fc.assert(
        fc.asyncProperty(input, async (x) => {
          const out = await runGraph([x], (b, [v]) => b.op(op, [v as Value], {})[0] as Value)
          x.data.forEach((v, i) => {
            expect(out.data[i]).toBeCloseTo(UNARY[op].f(v), 12)
          })
          const r = await gradCheck([x], (b, [v]) => b.op(op, [v as Value], {})[0] as Value)
          expect(r.worst, r.detail).toBeLessThanOrEqual(1)
        }),
        { numRuns: 25 },
      )
    })
  }

  test('Cast: float → int32 truncates toward zero, → bool is x != 0 (NaN → true), float → float passes gradients', async () => {
    const data = [1.7, -1.7, 0, Number.NaN, 3]
    const toInt = await runGraph([{ name: 'x', shape: [5], data }], (b, [x]) => b.cast(x as Value, 'int32'))
    expect([...toInt.data]).toEqual([1, -1, 0, 0, 3])
    const toBool = await runGraph([{ name: 'x', shape: [5], data }], (b, [x]) => b.cast(x as Value, 'bool'))
    expect([...toBool.data]).toEqual([1, 1, 0, 1, 1])
    const r = await gradCheck(
      [{ name: 'x', shape: [3], data: [0.5, -1, 2] }],
      (b, [x]) => b.op('Cast', [x as Value], { to: 'float32' })[0] as Value,
    )
    expect(r.worst, r.detail).toBeLessThanOrEqual(1)
  })
})
