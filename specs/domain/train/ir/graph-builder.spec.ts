import { describe, expect, test } from 'vitest'
import { GraphBuilder } from '../../../../src/domain/train/ir/graph-builder.ts'

describe('GraphBuilder', () => {
  test('infers shapes through the registry and names outputs', () => {
    const b = new GraphBuilder()
    const x = b.input('x', [2, 3, 4])
    const y = b.reduceSum(x, [-1], 1)
    expect(y.shape).toEqual([2, 3, 1])
    expect(b.reshape(x, [6, -1]).shape).toEqual([6, 4])
    expect(() => b.reshape(x, [5, -1])).toThrow('Reshape: cannot reshape [2,3,4] into [5,-1]')
    expect(() => b.input('x', [1])).toThrow('graph: value name x is already taken')
  })

  test('peepholes: T(T(x)) → x, reshape to the same shape → x, transpose of a matmul → Bᵀ·Aᵀ', () => {
    const b = new GraphBuilder()
    const a = b.input('a', [2, 3])
    const w = b.input('w', [4, 3])
    expect(b.transpose(b.transpose(a))).toBe(a)
    expect(b.reshape(a, [2, 3])).toBe(a)
    const product = b.matmul(a, b.transposeLast(w)) // (2, 4)
    const t = b.transposeLast(product) // (4, 2) = w · aᵀ
    const node = b.producerOf(t)
    expect(node?.op).toBe('MatMul')
    expect(node?.inputs[0]).toBe('w')
  })

  test('finish() renames outputs through Identity and drops what no output needs', () => {
    const b = new GraphBuilder()
    const x = b.input('x', [2])
    const used = b.mul(x, 2)
    b.exp(x) // dead
    const g = b.finish({ y: used, x_copy: x })
    expect(g.outputs.map((v) => v.name)).toEqual(['y', 'x_copy'])
    expect(g.nodes.map((n) => n.op)).toEqual(['Mul', 'Identity'])
    expect(g.nodes[0]?.outputs).toEqual(['y'])
    expect([...g.initializers.keys()]).toHaveLength(1)
  })

  test('inputs from another graph are refused', () => {
    const b1 = new GraphBuilder()
    const b2 = new GraphBuilder()
    const x = b1.input('x', [2])
    expect(() => b2.neg(x)).toThrow('Neg: input x is not a value of this graph')
  })
})
