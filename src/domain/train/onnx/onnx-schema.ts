import protobuf from 'protobufjs'

/**
 * The part of onnx/onnx.proto3 this exporter writes and its specs read back: models, graphs,
 * nodes, attributes, tensors and value types. Field numbers are ONNX's own (stable across IR
 * versions), so the bytes are a standard ModelProto; fields we never write are left out.
 */
const ONNX_PROTO = `
syntax = "proto3";
package onnx;

message AttributeProto {
  enum AttributeType { UNDEFINED = 0; FLOAT = 1; INT = 2; STRING = 3; TENSOR = 4; GRAPH = 5;
    FLOATS = 6; INTS = 7; STRINGS = 8; TENSORS = 9; GRAPHS = 10; }
  string name = 1;
  AttributeType type = 20;
  float f = 2;
  int64 i = 3;
  bytes s = 4;
  TensorProto t = 5;
  repeated float floats = 7;
  repeated int64 ints = 8;
}

message ValueInfoProto {
  string name = 1;
  TypeProto type = 2;
  string doc_string = 3;
}

message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  string name = 3;
  string op_type = 4;
  string domain = 7;
  repeated AttributeProto attribute = 5;
}

message StringStringEntryProto {
  string key = 1;
  string value = 2;
}

message ModelProto {
  int64 ir_version = 1;
  repeated OperatorSetIdProto opset_import = 8;
  string producer_name = 2;
  string producer_version = 3;
  string domain = 4;
  int64 model_version = 5;
  string doc_string = 6;
  GraphProto graph = 7;
  repeated StringStringEntryProto metadata_props = 14;
}

message GraphProto {
  repeated NodeProto node = 1;
  string name = 2;
  repeated TensorProto initializer = 5;
  string doc_string = 10;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
  repeated ValueInfoProto value_info = 13;
}

message TensorProto {
  repeated int64 dims = 1;
  int32 data_type = 2;
  repeated float float_data = 4 [packed = true];
  repeated int32 int32_data = 5 [packed = true];
  repeated int64 int64_data = 7 [packed = true];
  string name = 8;
  bytes raw_data = 9;
}

message TensorShapeProto {
  message Dimension {
    oneof value {
      int64 dim_value = 1;
      string dim_param = 2;
    }
  }
  repeated Dimension dim = 1;
}

message TypeProto {
  message Tensor {
    int32 elem_type = 1;
    TensorShapeProto shape = 2;
  }
  oneof value {
    Tensor tensor_type = 1;
  }
}

message OperatorSetIdProto {
  string domain = 1;
  int64 version = 2;
}
`

/** ONNX TensorProto.DataType values this project uses. */
export const ONNX_DTYPE = { FLOAT: 1, UINT8: 2, INT32: 6, INT64: 7, BOOL: 9 } as const

/** AttributeProto.AttributeType values this project uses. */
export const ONNX_ATTR = { FLOAT: 1, INT: 2, STRING: 3, INTS: 7 } as const

/** Plain-object shapes of the messages (protobufjs `keepCase` field names). */
export interface TensorProtoJson {
  name: string
  dims: number[]
  data_type: number
  raw_data?: Uint8Array
  int64_data?: number[]
}

export interface AttributeProtoJson {
  name: string
  type: number
  i?: number
  f?: number
  s?: Uint8Array
  ints?: number[]
}

export interface NodeProtoJson {
  name: string
  op_type: string
  domain?: string
  input: string[]
  output: string[]
  attribute: AttributeProtoJson[]
}

export interface ValueInfoProtoJson {
  name: string
  type: { tensor_type: { elem_type: number; shape: { dim: { dim_value?: number; dim_param?: string }[] } } }
}

export interface GraphProtoJson {
  name: string
  node: NodeProtoJson[]
  initializer: TensorProtoJson[]
  input: ValueInfoProtoJson[]
  output: ValueInfoProtoJson[]
  doc_string?: string
}

export interface ModelProtoJson {
  ir_version: number
  opset_import: { domain: string; version: number }[]
  producer_name: string
  producer_version: string
  doc_string?: string
  graph: GraphProtoJson
  metadata_props: { key: string; value: string }[]
}

let modelType: protobuf.Type | undefined

/** The reflected `onnx.ModelProto` type, parsed once. */
export function modelProtoType(): protobuf.Type {
  modelType ??= protobuf.parse(ONNX_PROTO, { keepCase: true }).root.lookupType('onnx.ModelProto')
  return modelType
}

/** Serializes a ModelProto given as a plain object. */
export function encodeModel(model: ModelProtoJson): Uint8Array {
  const type = modelProtoType()
  return type.encode(type.fromObject(model)).finish()
}

/** Parses ModelProto bytes into a plain object (int64 as numbers, bytes as Uint8Array). */
export function decodeModel(bytes: Uint8Array): ModelProtoJson {
  const type = modelProtoType()
  return type.toObject(type.decode(bytes), { longs: Number, defaults: true, arrays: true }) as ModelProtoJson
}
