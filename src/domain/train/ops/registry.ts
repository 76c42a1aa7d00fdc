import type { OpAttrs, OpDef, OpType } from '../ir/op-types.ts'
import {
  Add,
  Cast,
  Div,
  Equal,
  Exp,
  Identity,
  Less,
  Log,
  Min,
  Mul,
  Neg,
  Pow,
  Reciprocal,
  Sqrt,
  Sub,
  Tanh,
} from './elementwise.ts'
import { Concat, Expand, Gather, Reshape, Split, Transpose } from './layout.ts'
import { MatMul } from './matmul.ts'
import { ArgMax, ReduceMax, ReduceMean, ReduceSum } from './reduce.ts'
import { LogSoftmax, Softmax } from './softmax.ts'

/**
 * Every op of the IR, by its ONNX name: shape inference, the `ts` forward kernel and the
 * backward rule. The whole train step (forward, gradients, clipping, AdamW) is built from
 * these alone, so it exports to standard ONNX opset 17 and runs where no gradient kernels exist.
 */
export const OPS: { readonly [K in OpType]: OpDef<OpAttrs[K]> } = {
  Add,
  Sub,
  Mul,
  Div,
  Pow,
  Min,
  Equal,
  Less,
  Neg,
  Exp,
  Log,
  Sqrt,
  Tanh,
  Reciprocal,
  Identity,
  Cast,
  MatMul,
  Transpose,
  Reshape,
  Expand,
  Split,
  Concat,
  Gather,
  ReduceSum,
  ReduceMean,
  ReduceMax,
  ArgMax,
  Softmax,
  LogSoftmax,
}

/** Ops without a backward rule: nothing flows through them (comparisons, ArgMax, casts to non-float). */
export function isDifferentiable(op: OpType): boolean {
  return OPS[op].backward !== undefined
}
