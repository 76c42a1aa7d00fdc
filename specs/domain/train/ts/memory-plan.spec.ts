import { describe, expect, test } from 'vitest'
import { GraphBuilder } from '../../../../src/domain/train/ir/graph-builder.ts'
import { planMemory } from '../../../../src/domain/train/ts/memory-plan.ts'

describe('planMemory()', () => {
  test('a chain of same-sized temporaries reuses two buffers', () => {
    const b = new GraphBuilder()
    let x = b.input('x', [64])
    for (let i = 0; i < 10; i++) x = b.exp(b.neg(x))
    const plan = planMemory(b.finish({ y: b.tanh(x) }), new Set())
    const temps = plan.slots.filter((s) => s.kind === 'temp')
    expect(plan.steps).toHaveLength(21)
    expect(temps.length).toBe(2)
  })

  test('MatMul reads a Transpose input directly (the Transpose is dropped); Reshape aliases its input', () => {
    const b = new GraphBuilder()
    const x = b.input('x', [2, 3, 4])
    const w = b.input('w', [5, 4])
    const y = b.reshape(b.matmul(x, b.transposeLast(w)), [6, 5])
    const plan = planMemory(b.finish({ y: b.neg(y) }), new Set(['w']))
    expect(plan.steps.map((s) => s.node.op)).toEqual(['MatMul', 'Neg'])
    const mm = plan.steps[0]
    expect(mm?.bTransposed).toBe(true)
    expect(mm?.inputs[1]?.name).toBe('w')
    const reshaped = plan.steps[1]?.inputs[0]?.name as string
    expect(plan.slotOf.get(reshaped)).toBe(mm?.outSlots[0])
    expect(plan.slots.find((s) => s.name === 'w')?.kind).toBe('state')
  })

  test('no step writes a buffer it reads', () => {
    const b = new GraphBuilder()
    const x = b.input('x', [8, 8])
    let y = x
    for (let i = 0; i < 6; i++) y = b.add(b.matmul(y, x), b.mul(y, 0.5))
    const plan = planMemory(b.finish({ y }), new Set())
    for (const step of plan.steps) for (const s of step.outSlots) expect(step.inSlots).not.toContain(s)
  })
})
