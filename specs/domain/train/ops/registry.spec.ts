import { describe, expect, test } from 'vitest'
import type { OpType } from '../../../../src/domain/train/ir/op-types.ts'
import { isDifferentiable, OPS } from '../../../../src/domain/train/ops/registry.ts'

/** Standard ONNX (ai.onnx) operators of opset ≤ 17: every IR op must be one. */
const ONNX_OPSET_17 = new Set([
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Pow',
  'Min',
  'Equal',
  'Less',
  'Neg',
  'Exp',
  'Log',
  'Sqrt',
  'Tanh',
  'Reciprocal',
  'Identity',
  'Cast',
  'MatMul',
  'Transpose',
  'Reshape',
  'Expand',
  'Split',
  'Concat',
  'Gather',
  'ReduceSum',
  'ReduceMean',
  'ReduceMax',
  'ArgMax',
  'Softmax',
  'LogSoftmax',
])

describe('OPS registry', () => {
  test('every op is a standard ONNX opset-17 operator', () => {
    for (const op of Object.keys(OPS)) expect(ONNX_OPSET_17.has(op), op).toBe(true)
  })

  test('attributes that opset 17 takes as int64 inputs are declared', () => {
    const declared = Object.fromEntries(
      Object.entries(OPS)
        .filter(([, def]) => def.onnx?.attrInputs)
        .map(([op, def]) => [op, def.onnx?.attrInputs]),
    )
    expect(declared).toEqual({ Reshape: ['shape'], Expand: ['shape'], Split: ['split'], ReduceSum: ['axes'] })
  })

  test('only comparisons and ArgMax lack a backward rule', () => {
    const noGrad = Object.entries(OPS)
      .filter(([, def]) => !def.backward)
      .map(([op]) => op)
      .sort()
    expect(noGrad).toEqual(['ArgMax', 'Equal', 'Less'])
    expect(noGrad.every((op) => !isDifferentiable(op as OpType))).toBe(true)
    expect(isDifferentiable('MatMul')).toBe(true)
  })
})
