import { endianness } from 'node:os'
import type { Graph } from '../ir/graph-builder.ts'
import type { DType, Value } from '../ir/op-types.ts'
import { fmtShape, sameShape, sizeOf } from '../ir/shape.ts'
import { int64Tensor, type NodeEmitter, ONNX_ELEM_TYPE, ONNX_NODES } from './onnx-nodes.ts'
import {
  encodeModel,
  type ModelProtoJson,
  type NodeProtoJson,
  type TensorProtoJson,
  type ValueInfoProtoJson,
} from './onnx-schema.ts'

/** The ONNX operator set every exported model imports. */
export const ONNX_OPSET = 17
/** IR version that goes with opset 17 (ONNX 1.12). */
export const ONNX_IR_VERSION = 8

/** A host tensor to bake into a model as an initializer. */
export interface EmbeddedTensor {
  readonly shape: readonly number[]
  readonly data: Float32Array | Int32Array | Uint8Array
}

export interface OnnxExportOptions {
  /** GraphProto name (default `graph`). */
  name?: string
  /** Graph inputs to bake in as initializers (e.g. trained weights for an inference model). */
  embed?: Readonly<Record<string, EmbeddedTensor>>
  /** ModelProto metadata_props (string pairs). */
  metadata?: Readonly<Record<string, string>>
  docString?: string
}

/**
 * The graph as an ONNX ModelProto (opset 17) in plain-object form: IR inputs become graph
 * inputs (except those in `embed`, which become initializers), IR constants become
 * initializers, and each node maps through `ONNX_NODES`. Shapes are all static.
 */
export function graphToOnnxModel(graph: Graph, options: OnnxExportOptions = {}): ModelProtoJson {
  const embed = options.embed ?? {}
  const initializer: TensorProtoJson[] = []
  const taken = new Set(graph.values.keys())
  let counter = 0
  const fresh = (hint: string) => {
    let name: string
    do name = `onnx/${hint}_${counter++}`
    while (taken.has(name))
    taken.add(name)
    return name
  }
  const int64Cache = new Map<string, string>()
  const emit: NodeEmitter = {
    int64(values, hint) {
      const key = `${hint}:${values.join(',')}`
      let name = int64Cache.get(key)
      if (!name) {
        name = fresh(hint)
        initializer.push(int64Tensor(name, values))
        int64Cache.set(key, name)
      }
      return name
    },
    temp: fresh,
  }

  for (const name of Object.keys(embed)) {
    if (!graph.inputs.some((v) => v.name === name))
      throw new Error(`graphToOnnxModel: embed names ${name}, which is not a graph input`)
  }
  const input: ValueInfoProtoJson[] = []
  for (const value of graph.inputs) {
    const baked = embed[value.name]
    if (baked) initializer.push(embeddedTensor(value, baked))
    else input.push(valueInfo(value))
  }
  for (const [name, init] of graph.initializers)
    initializer.push(rawTensor(name, init.value.shape, init.value.dtype, init.data))

  const node: NodeProtoJson[] = []
  for (const n of graph.nodes) {
    const mapping = ONNX_NODES[n.op] as (node: typeof n, emit: NodeEmitter) => NodeProtoJson[]
    node.push(...mapping(n, emit))
  }
  return {
    ir_version: ONNX_IR_VERSION,
    opset_import: [{ domain: '', version: ONNX_OPSET }],
    producer_name: 'codex-gates',
    producer_version: '0.1.0',
    doc_string: options.docString ?? '',
    graph: {
      name: options.name ?? 'graph',
      node,
      initializer,
      input,
      output: graph.outputs.map(valueInfo),
    },
    metadata_props: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
  }
}

/** The graph serialized as ONNX ModelProto bytes (see `graphToOnnxModel`). */
export function graphToOnnx(graph: Graph, options: OnnxExportOptions = {}): Uint8Array {
  return encodeModel(graphToOnnxModel(graph, options))
}

// --- internal ---

function valueInfo(value: Value): ValueInfoProtoJson {
  return {
    name: value.name,
    type: {
      tensor_type: {
        elem_type: ONNX_ELEM_TYPE[value.dtype],
        shape: { dim: value.shape.map((d) => ({ dim_value: d })) },
      },
    },
  }
}

function embeddedTensor(value: Value, tensor: EmbeddedTensor): TensorProtoJson {
  if (!sameShape(value.shape, tensor.shape) || tensor.data.length !== sizeOf(value.shape)) {
    throw new Error(
      `graphToOnnxModel: ${value.name} is ${fmtShape(value.shape)} but the tensor to embed is ${fmtShape(tensor.shape)} with ${tensor.data.length} values`,
    )
  }
  const expected = value.dtype === 'float32' ? Float32Array : value.dtype === 'int32' ? Int32Array : Uint8Array
  if (!(tensor.data instanceof expected))
    throw new Error(`graphToOnnxModel: ${value.name} is ${value.dtype}; embed a ${expected.name}`)
  return rawTensor(value.name, value.shape, value.dtype, tensor.data)
}

/** `raw_data` is little-endian by the ONNX spec, as typed arrays are on little-endian hosts. */
function rawTensor(
  name: string,
  shape: readonly number[],
  dtype: DType,
  data: Float32Array | Int32Array | Uint8Array,
): TensorProtoJson {
  if (endianness() !== 'LE') throw new Error('graphToOnnxModel: raw tensor data needs a little-endian host')
  return {
    name,
    dims: [...shape],
    data_type: ONNX_ELEM_TYPE[dtype],
    raw_data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  }
}
