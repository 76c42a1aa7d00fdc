/**
 * The value types of the IR. `float32` runs as Float32Array on the `ts` executor (Float64Array
 * in its float64 reference mode); `bool` is one byte per element, as in ONNX.
 */
export type DType = 'float32' | 'int32' | 'bool'

/** A named, typed, statically shaped value of a graph. */
export interface Value {
  readonly name: string
  readonly shape: readonly number[]
  readonly dtype: DType
}

/** What shape inference yields for one output. */
export interface TypeInfo {
  shape: number[]
  dtype: DType
}

type NoAttrs = Record<string, never>

/**
 * Every op of the IR with its attributes. Names and attributes are ONNX's (opset 17), so an
 * exporter is a mapping: where opset 17 takes an attribute as an int64 input instead
 * (Reshape.shape, Expand.shape, ReduceSum.axes, Split.split), `OpDef.onnx.attrInputs` says so.
 * Axes are stored normalized (non-negative, sorted).
 */
export interface OpAttrs {
  Add: NoAttrs
  Sub: NoAttrs
  Mul: NoAttrs
  Div: NoAttrs
  Pow: NoAttrs
  Min: NoAttrs
  Equal: NoAttrs
  Less: NoAttrs
  Neg: NoAttrs
  Exp: NoAttrs
  Log: NoAttrs
  Sqrt: NoAttrs
  Tanh: NoAttrs
  Reciprocal: NoAttrs
  Identity: NoAttrs
  Cast: { to: DType }
  MatMul: NoAttrs
  Transpose: { perm: number[] }
  Reshape: { shape: number[] }
  Expand: { shape: number[] }
  Split: { axis: number; split: number[] }
  Concat: { axis: number }
  /** Only `axis: 0` (embedding lookup); negative indices wrap as in ONNX. */
  Gather: { axis: 0 }
  ReduceSum: { axes: number[]; keepdims: 0 | 1 }
  ReduceMean: { axes: number[]; keepdims: 0 | 1 }
  ReduceMax: { axes: number[]; keepdims: 0 | 1 }
  /** Last axis only; yields int32 (ONNX yields int64: an exporter appends Cast(to=INT32)). */
  ArgMax: { axis: number; keepdims: 0 | 1 }
  /** Last axis only. */
  Softmax: { axis: number }
  /** Last axis only. */
  LogSoftmax: { axis: number }
}

export type OpType = keyof OpAttrs

/** One node: an op applied to named values, yielding named values. */
export interface Node<K extends OpType = OpType> {
  readonly name: string
  readonly op: K
  readonly inputs: readonly string[]
  readonly outputs: readonly string[]
  readonly attrs: OpAttrs[K]
}

export type FloatArray = Float32Array | Float64Array
export type TensorArray = FloatArray | Int32Array | Uint8Array

/** A kernel ready to run: buffers in, buffers out, plus scratch it asked for. */
export interface PreparedKernel {
  run(inputs: readonly TensorArray[], outputs: readonly TensorArray[], scratch: readonly FloatArray[]): void
  /** Lengths of float scratch buffers `run` needs (shared between nodes, never kept across calls). */
  scratch?: number[]
}

/** `c[co + i·N + j] += Σk a[ao + i·K + k] · b[bo + j·K + k]` for an M×K by (N×K)ᵀ product (ops/matmul.ts's `gemmNT`). */
export type Gemm = (
  a: FloatArray,
  ao: number,
  b: FloatArray,
  bo: number,
  c: FloatArray,
  co: number,
  M: number,
  N: number,
  K: number,
) => void

/** A value or a scalar constant, as the builder's arithmetic accepts. */
export type Operand = Value | number

/**
 * What backward rules emit nodes with: the part of `GraphBuilder` (ir/graph-builder.ts, which
 * implements it) they use. Declared here so op definitions need not import the builder, which
 * imports them.
 */
export interface GradBuilder {
  constant(data: ArrayLike<number>, shape: readonly number[], dtype?: DType, name?: string): Value
  add(a: Value, b: Operand): Value
  sub(a: Operand, b: Operand): Value
  mul(a: Value, b: Operand): Value
  div(a: Operand, b: Operand): Value
  pow(a: Operand, b: Operand): Value
  equal(a: Value, b: Operand): Value
  less(a: Value, b: Operand): Value
  neg(x: Value): Value
  exp(x: Value): Value
  log(x: Value): Value
  cast(x: Value, to: DType): Value
  matmul(a: Value, b: Value): Value
  transpose(x: Value, perm?: readonly number[]): Value
  transposeLast(x: Value): Value
  reshape(x: Value, shape: readonly number[]): Value
  expand(x: Value, shape: readonly number[]): Value
  split(x: Value, axis: number, split: readonly number[]): Value[]
  concat(xs: readonly Value[], axis: number): Value
  reduceSum(x: Value, axes: readonly number[] | 'all', keepdims: 0 | 1): Value
  unbroadcast(g: Value, shape: readonly number[]): Value
  zeros(shape: readonly number[]): Value
}

/** What a kernel is prepared from: static shapes and attributes, plus executor hints. */
export interface KernelContext<A> {
  readonly inputs: readonly Value[]
  readonly outputs: readonly Value[]
  readonly attrs: A
  /** `ts` executor fusion: MatMul's second input is given as the tensor before its last-two-axes Transpose. */
  readonly bTransposed?: boolean
  /** `ts` executor: the matrix kernel to use (a thread pool's); default the single-thread `gemmNT`. */
  readonly gemm?: Gemm
}

/** What an op's backward rule sees. `dOut[i]` is the gradient of output i (undefined: zero). */
export interface GradContext<A> {
  readonly b: GradBuilder
  readonly inputs: readonly Value[]
  readonly outputs: readonly Value[]
  readonly attrs: A
  readonly dOut: readonly (Value | undefined)[]
  /** Which inputs need a gradient; a rule may skip the others. */
  readonly needs: readonly boolean[]
}

/** An op: shape inference, the `ts` forward kernel and the backward rule, side by side. */
export interface OpDef<A> {
  /** Allowed number of inputs, inclusive. */
  readonly arity: readonly [number, number]
  infer(inputs: readonly Value[], attrs: A): TypeInfo[]
  forward(ctx: KernelContext<A>): PreparedKernel
  /** Emits the gradient graph as ordinary IR ops; absent for ops with no gradient (Equal, ArgMax…). */
  backward?(g: GradContext<A>): (Value | undefined)[]
  /** ONNX opset 17 details: attributes that become int64 initializer inputs there, in input order. */
  readonly onnx?: { readonly attrInputs?: readonly string[] }
}
