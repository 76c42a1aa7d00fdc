import type { DType, Node, OpType } from '../ir/op-types.ts'
import {
  type AttributeProtoJson,
  type NodeProtoJson,
  ONNX_ATTR,
  ONNX_DTYPE,
  type TensorProtoJson,
} from './onnx-schema.ts'

/** ONNX element type of an IR dtype. */
export const ONNX_ELEM_TYPE: Readonly<Record<DType, number>> = {
  float32: ONNX_DTYPE.FLOAT,
  int32: ONNX_DTYPE.INT32,
  bool: ONNX_DTYPE.BOOL,
}

/** What a node mapping may add besides its nodes: int64 constants that opset 17 takes as inputs. */
export interface NodeEmitter {
  /** An int64 initializer holding `values` (1-D); returns its name. */
  int64(values: readonly number[], hint: string): string
  /** A fresh value name for an intermediate the mapping introduces. */
  temp(hint: string): string
}

type Mapping<K extends OpType> = (node: Node<K>, emit: NodeEmitter) => NodeProtoJson[]

const int = (name: string, i: number): AttributeProtoJson => ({ name, type: ONNX_ATTR.INT, i })
const ints = (name: string, values: readonly number[]): AttributeProtoJson => ({
  name,
  type: ONNX_ATTR.INTS,
  ints: [...values],
})

function onnxNode(
  node: Node,
  opType: string,
  attribute: AttributeProtoJson[] = [],
  extraInputs: string[] = [],
): NodeProtoJson {
  return {
    name: node.name,
    op_type: opType,
    input: [...node.inputs, ...extraInputs],
    output: [...node.outputs],
    attribute,
  }
}

/** Same name, same inputs, no attributes: the IR op is the ONNX op. */
const plain =
  <K extends OpType>(): Mapping<K> =>
  (node) => [onnxNode(node as Node, node.op)]

/**
 * Each IR op as ONNX opset 17 nodes. The IR keeps ONNX's names and attribute meanings, so most
 * entries are direct; the exceptions say why.
 */
export const ONNX_NODES: { readonly [K in OpType]: Mapping<K> } = {
  Add: plain(),
  Sub: plain(),
  Mul: plain(),
  Div: plain(),
  Pow: plain(),
  Min: plain(),
  Equal: plain(),
  Less: plain(),
  Neg: plain(),
  Exp: plain(),
  Log: plain(),
  Sqrt: plain(),
  Tanh: plain(),
  Reciprocal: plain(),
  Identity: plain(),
  MatMul: plain(),
  Cast: (node) => [onnxNode(node, 'Cast', [int('to', ONNX_ELEM_TYPE[node.attrs.to])])],
  Transpose: (node) => [onnxNode(node, 'Transpose', [ints('perm', node.attrs.perm)])],
  // Reshape-14: shape is an int64 input. allowzero=1 so a 0 in the shape means an empty dim, not "copy".
  Reshape: (node, emit) => {
    const zero = node.attrs.shape.includes(0)
    return [onnxNode(node, 'Reshape', zero ? [int('allowzero', 1)] : [], [emit.int64(node.attrs.shape, 'shape')])]
  },
  Expand: (node, emit) => [onnxNode(node, 'Expand', [], [emit.int64(node.attrs.shape, 'shape')])],
  // Split-13: sizes are an int64 input.
  Split: (node, emit) => [
    onnxNode(node, 'Split', [int('axis', node.attrs.axis)], [emit.int64(node.attrs.split, 'split')]),
  ],
  Concat: (node) => [onnxNode(node, 'Concat', [int('axis', node.attrs.axis)])],
  Gather: (node) => [onnxNode(node, 'Gather', [int('axis', node.attrs.axis)])],
  // ReduceSum-13 takes axes as an input; ReduceMean/ReduceMax keep the attribute until opset 18.
  ReduceSum: (node, emit) => [
    onnxNode(node, 'ReduceSum', [int('keepdims', node.attrs.keepdims)], [emit.int64(node.attrs.axes, 'axes')]),
  ],
  ReduceMean: (node) => [
    onnxNode(node, 'ReduceMean', [ints('axes', node.attrs.axes), int('keepdims', node.attrs.keepdims)]),
  ],
  ReduceMax: (node) => [
    onnxNode(node, 'ReduceMax', [ints('axes', node.attrs.axes), int('keepdims', node.attrs.keepdims)]),
  ],
  // ONNX ArgMax yields int64; the IR's is int32, so a Cast follows (first maximum, as the IR's).
  ArgMax: (node, emit) => {
    const wide = emit.temp('argmax_i64')
    return [
      {
        name: node.name,
        op_type: 'ArgMax',
        input: [...node.inputs],
        output: [wide],
        attribute: [int('axis', node.attrs.axis), int('keepdims', node.attrs.keepdims), int('select_last_index', 0)],
      },
      {
        name: `${node.name}/cast`,
        op_type: 'Cast',
        input: [wide],
        output: [...node.outputs],
        attribute: [int('to', ONNX_DTYPE.INT32)],
      },
    ]
  },
  Softmax: (node) => [onnxNode(node, 'Softmax', [int('axis', node.attrs.axis)])],
  LogSoftmax: (node) => [onnxNode(node, 'LogSoftmax', [int('axis', node.attrs.axis)])],
}

/** Little-endian bytes of an int64 vector, for `raw_data`. */
export function int64Tensor(name: string, values: readonly number[]): TensorProtoJson {
  const raw = new Uint8Array(values.length * 8)
  const view = new DataView(raw.buffer)
  values.forEach((v, i) => {
    view.setBigInt64(i * 8, BigInt(v), true)
  })
  return { name, dims: [values.length], data_type: ONNX_DTYPE.INT64, raw_data: raw }
}
