import { OPS } from '../ops/registry.ts'
import type { DType, GradBuilder, Node, OpAttrs, Operand, OpType, Value } from './op-types.ts'
import { fmtShape, isIdentityPerm, normalizeAxes, normalizeAxis, sameShape, sizeOf, swapLastTwo } from './shape.ts'

/** A constant tensor of a graph (an ONNX initializer). */
export interface Initializer {
  readonly value: Value
  readonly data: Float32Array | Int32Array | Uint8Array
}

/** A finished graph: nodes in a valid execution order (topological, as emitted). */
export interface Graph {
  readonly inputs: readonly Value[]
  readonly outputs: readonly Value[]
  readonly nodes: readonly Node[]
  readonly initializers: ReadonlyMap<string, Initializer>
  readonly values: ReadonlyMap<string, Value>
}

/**
 * Emits IR: every method infers shapes through the op registry and appends one node, so
 * emission order is a valid execution order. A few peepholes keep gradient graphs lean
 * (transpose of transpose, transpose of a matmul, reshape to the same shape).
 */
export class GraphBuilder implements GradBuilder {
  private readonly values = new Map<string, Value>()
  private readonly nodes: Node[] = []
  private readonly initializers = new Map<string, Initializer>()
  private readonly inputs: Value[] = []
  private readonly producers = new Map<string, Node>()
  private readonly scalars = new Map<string, Value>()
  private prefix = ''
  private counter = 0

  /** Declares a graph input (a feed, a parameter or optimizer state). */
  input(name: string, shape: readonly number[], dtype: DType = 'float32'): Value {
    const value = this.define(name, shape, dtype)
    this.inputs.push(value)
    return value
  }

  /** A constant tensor; `data` is copied into the dtype's array type. */
  constant(data: ArrayLike<number>, shape: readonly number[], dtype: DType = 'float32', name?: string): Value {
    if (data.length !== sizeOf(shape)) {
      throw new Error(`constant: ${data.length} values do not fill shape ${fmtShape(shape)}`)
    }
    const value = this.define(name ?? this.fresh('const'), shape, dtype)
    const typed =
      dtype === 'float32' ? Float32Array.from(data) : dtype === 'int32' ? Int32Array.from(data) : Uint8Array.from(data)
    this.initializers.set(value.name, { value, data: typed })
    return value
  }

  /** A scalar constant, shared between uses. */
  scalar(v: number, dtype: DType = 'float32'): Value {
    const key = `${dtype}:${Object.is(v, -0) ? '-0' : String(v)}`
    let value = this.scalars.get(key)
    if (!value) {
      value = this.constant([v], [], dtype)
      this.scalars.set(key, value)
    }
    return value
  }

  /** Appends `op`; returns its outputs. `names` fixes output names (else fresh ones). */
  op<K extends OpType>(op: K, inputs: readonly Value[], attrs: OpAttrs[K], names?: readonly string[]): Value[] {
    const def = OPS[op] as unknown as (typeof OPS)[OpType] & {
      infer(inputs: readonly Value[], attrs: OpAttrs[K]): { shape: number[]; dtype: DType }[]
    }
    const [min, max] = def.arity
    if (inputs.length < min || inputs.length > max) {
      throw new Error(`${op}: takes ${min === max ? min : `${min}..${max}`} inputs, got ${inputs.length}`)
    }
    for (const input of inputs) {
      if (this.values.get(input.name) !== input)
        throw new Error(`${op}: input ${input.name} is not a value of this graph`)
    }
    const types = def.infer(inputs, attrs)
    const outputs = types.map((t, i) => this.define(names?.[i] ?? this.fresh(op), t.shape, t.dtype))
    const node: Node<K> = {
      name: `${this.prefix}n${this.nodes.length}_${op}`,
      op,
      inputs: inputs.map((v) => v.name),
      outputs: outputs.map((v) => v.name),
      attrs,
    }
    this.nodes.push(node as unknown as Node)
    for (const out of outputs) this.producers.set(out.name, node as unknown as Node)
    return outputs
  }

  /** The value named `name` (throws when there is none). */
  value(name: string): Value {
    const value = this.values.get(name)
    if (!value) throw new Error(`graph: no value named ${name}`)
    return value
  }

  /** The node that produced `value`, if any (inputs and constants have none). */
  producerOf(value: Value): Node | undefined {
    return this.producers.get(value.name)
  }

  /** The constant data behind `value`, if it is one. */
  constantOf(value: Value): Float32Array | Int32Array | Uint8Array | undefined {
    return this.initializers.get(value.name)?.data
  }

  /** Runs `fn` with `name/` prefixed to fresh value and node names. */
  scope<T>(name: string, fn: () => T): T {
    const saved = this.prefix
    this.prefix = `${saved}${name}/`
    try {
      return fn()
    } finally {
      this.prefix = saved
    }
  }

  /** Number of nodes emitted so far (autodiff walks from a mark). */
  get size(): number {
    return this.nodes.length
  }

  /** The nodes emitted so far, in order. */
  emitted(): readonly Node[] {
    return this.nodes
  }

  // --- elementwise ---
  add(a: Value, b: Operand): Value {
    return this.binary('Add', a, b)
  }
  sub(a: Operand, b: Operand): Value {
    return this.binary('Sub', a, b)
  }
  mul(a: Value, b: Operand): Value {
    return this.binary('Mul', a, b)
  }
  div(a: Operand, b: Operand): Value {
    return this.binary('Div', a, b)
  }
  pow(a: Operand, b: Operand): Value {
    return this.binary('Pow', a, b)
  }
  min(a: Value, b: Operand): Value {
    return this.binary('Min', a, b)
  }
  equal(a: Value, b: Operand): Value {
    return this.binary('Equal', a, b)
  }
  less(a: Value, b: Operand): Value {
    return this.binary('Less', a, b)
  }
  neg(x: Value): Value {
    return this.one('Neg', [x], {})
  }
  exp(x: Value): Value {
    return this.one('Exp', [x], {})
  }
  log(x: Value): Value {
    return this.one('Log', [x], {})
  }
  sqrt(x: Value): Value {
    return this.one('Sqrt', [x], {})
  }
  tanh(x: Value): Value {
    return this.one('Tanh', [x], {})
  }
  reciprocal(x: Value): Value {
    return this.one('Reciprocal', [x], {})
  }
  identity(x: Value, name?: string): Value {
    return this.one('Identity', [x], {}, name)
  }
  cast(x: Value, to: DType): Value {
    return x.dtype === to ? x : this.one('Cast', [x], { to })
  }

  // --- linear algebra and layout ---
  matmul(a: Value, b: Value): Value {
    return this.one('MatMul', [a, b], {})
  }

  /** Transpose with peepholes: identity → x; T(T(y)) → one transpose; T(A·B) over the last two → Bᵀ·Aᵀ. */
  transpose(x: Value, perm?: readonly number[]): Value {
    const p = perm ? perm.map((a) => normalizeAxis(a, x.shape.length, 'Transpose')) : [...x.shape.keys()].reverse()
    if (isIdentityPerm(p)) return x
    const producer = this.producers.get(x.name)
    if (producer?.op === 'Transpose') {
      const inner = (producer as Node<'Transpose'>).attrs.perm
      const source = this.values.get(producer.inputs[0] as string) as Value
      return this.transpose(
        source,
        p.map((i) => inner[i] as number),
      )
    }
    const rank = x.shape.length
    if (producer?.op === 'MatMul' && rank >= 2 && sameShape(p, swapLastTwo(rank))) {
      const a = this.values.get(producer.inputs[0] as string) as Value
      const b = this.values.get(producer.inputs[1] as string) as Value
      if (a.shape.length === rank && b.shape.length === rank) {
        return this.matmul(this.transpose(b, swapLastTwo(rank)), this.transpose(a, swapLastTwo(rank)))
      }
    }
    return this.one('Transpose', [x], { perm: p })
  }

  /** Swaps the last two axes. */
  transposeLast(x: Value): Value {
    return this.transpose(x, swapLastTwo(x.shape.length))
  }

  /** Reshape; one `-1` is inferred. Same shape → x; reshape of a reshape → one reshape. */
  reshape(x: Value, shape: readonly number[]): Value {
    const resolved = resolveShape(shape, sizeOf(x.shape), x.shape)
    if (sameShape(resolved, x.shape)) return x
    const producer = this.producers.get(x.name)
    const source = producer?.op === 'Reshape' ? (this.values.get(producer.inputs[0] as string) as Value) : x
    if (sameShape(resolved, source.shape)) return source
    return this.one('Reshape', [source], { shape: resolved })
  }

  expand(x: Value, shape: readonly number[]): Value {
    return sameShape(x.shape, shape) ? x : this.one('Expand', [x], { shape: [...shape] })
  }

  split(x: Value, axis: number, split: readonly number[]): Value[] {
    return this.op('Split', [x], { axis: normalizeAxis(axis, x.shape.length, 'Split'), split: [...split] })
  }

  concat(xs: readonly Value[], axis: number): Value {
    const first = xs[0]
    if (!first) throw new Error('Concat: needs at least one input')
    if (xs.length === 1) return first
    return this.one('Concat', xs, { axis: normalizeAxis(axis, first.shape.length, 'Concat') })
  }

  gather(data: Value, indices: Value): Value {
    return this.one('Gather', [data, indices], { axis: 0 })
  }

  // --- reductions ---
  reduceSum(x: Value, axes: readonly number[] | 'all', keepdims: 0 | 1): Value {
    return this.reduce('ReduceSum', x, axes, keepdims)
  }
  reduceMean(x: Value, axes: readonly number[] | 'all', keepdims: 0 | 1): Value {
    return this.reduce('ReduceMean', x, axes, keepdims)
  }
  reduceMax(x: Value, axes: readonly number[] | 'all', keepdims: 0 | 1): Value {
    return this.reduce('ReduceMax', x, axes, keepdims)
  }
  argmax(x: Value, axis: number, keepdims: 0 | 1): Value {
    return this.one('ArgMax', [x], { axis: normalizeAxis(axis, x.shape.length, 'ArgMax'), keepdims })
  }
  softmax(x: Value, axis: number): Value {
    return this.one('Softmax', [x], { axis: normalizeAxis(axis, x.shape.length, 'Softmax') })
  }
  logSoftmax(x: Value, axis: number): Value {
    return this.one('LogSoftmax', [x], { axis: normalizeAxis(axis, x.shape.length, 'LogSoftmax') })
  }

  /**
   * Sums `g` down to `shape`, undoing a broadcast (the gradient of any broadcasting op):
   * leading extra axes and axes of size 1 are reduced.
   */
  unbroadcast(g: Value, shape: readonly number[]): Value {
    if (sameShape(g.shape, shape)) return g
    const lead = g.shape.length - shape.length
    const axes: number[] = []
    for (let i = 0; i < g.shape.length; i++) {
      if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i)
    }
    const summed = axes.length > 0 ? this.reduceSum(g, axes, 1) : g
    return this.reshape(summed, shape)
  }

  /** A zero tensor of `shape` (a broadcast scalar). */
  zeros(shape: readonly number[]): Value {
    return this.expand(this.scalar(0), shape)
  }

  /**
   * Finishes the graph with `outputs`: a node output is renamed in place to its output name,
   * an input or constant (or a value already used as another output) is copied through
   * Identity; nodes and constants no output needs are dropped.
   */
  finish(outputs: Record<string, Value>): Graph {
    const renames = new Map<string, string>()
    const outs: { name: string; value: Value }[] = []
    for (const [name, value] of Object.entries(outputs)) {
      const renamable =
        this.producers.has(value.name) && !renames.has(value.name) && (name === value.name || !this.values.has(name))
      if (renamable) {
        renames.set(value.name, name)
        outs.push({ name, value })
      } else {
        outs.push({ name, value: this.identity(value, name) })
      }
    }
    const rename = (n: string) => renames.get(n) ?? n
    const needed = new Set(outs.map((o) => o.value.name))
    const kept: Node[] = []
    for (let i = this.nodes.length - 1; i >= 0; i--) {
      const node = this.nodes[i] as Node
      if (!node.outputs.some((o) => needed.has(o))) continue
      kept.push(node)
      for (const input of node.inputs) needed.add(input)
    }
    kept.reverse()
    const nodes = kept.map((n) => ({ ...n, inputs: n.inputs.map(rename), outputs: n.outputs.map(rename) }))
    const initializers = new Map([...this.initializers].filter(([name]) => needed.has(name)))
    const values = new Map<string, Value>()
    for (const input of this.inputs) values.set(input.name, input)
    for (const [name, init] of initializers) values.set(name, init.value)
    for (const node of kept) {
      for (const o of node.outputs) {
        const v = this.values.get(o) as Value
        values.set(rename(o), renames.has(o) ? { ...v, name: rename(o) } : v)
      }
    }
    return {
      inputs: [...this.inputs],
      outputs: outs.map((o) => values.get(rename(o.value.name)) as Value),
      nodes,
      initializers,
      values,
    }
  }

  // --- internal ---
  private one<K extends OpType>(op: K, inputs: readonly Value[], attrs: OpAttrs[K], name?: string): Value {
    return this.op(op, inputs, attrs, name ? [name] : undefined)[0] as Value
  }

  private binary(op: 'Add' | 'Sub' | 'Mul' | 'Div' | 'Pow' | 'Min' | 'Equal' | 'Less', a: Operand, b: Operand): Value {
    const dtype = typeof a === 'number' ? (typeof b === 'number' ? 'float32' : b.dtype) : a.dtype
    const va = typeof a === 'number' ? this.scalar(a, dtype) : a
    const vb = typeof b === 'number' ? this.scalar(b, dtype) : b
    return this.one(op, [va, vb], {})
  }

  private reduce(
    op: 'ReduceSum' | 'ReduceMean' | 'ReduceMax',
    x: Value,
    axes: readonly number[] | 'all',
    keepdims: 0 | 1,
  ): Value {
    const rank = x.shape.length
    const normalized = axes === 'all' ? [...x.shape.keys()] : normalizeAxes(axes, rank, op)
    if (normalized.length === 0) return x
    return this.one(op, [x], { axes: normalized, keepdims })
  }

  private define(name: string, shape: readonly number[], dtype: DType): Value {
    if (this.values.has(name)) throw new Error(`graph: value name ${name} is already taken`)
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0) throw new Error(`graph: ${name} has an invalid shape ${fmtShape(shape)}`)
    }
    const value: Value = { name, shape: [...shape], dtype }
    this.values.set(name, value)
    return value
  }

  private fresh(base: string): string {
    return `${this.prefix}${base}_${this.counter++}`
  }
}

function resolveShape(shape: readonly number[], total: number, from: readonly number[]): number[] {
  const out = [...shape]
  const unknown = out.indexOf(-1)
  if (unknown >= 0) {
    const known = out.reduce((p, d, i) => (i === unknown ? p : p * d), 1)
    if (known === 0 || total % known !== 0) {
      throw new Error(`Reshape: cannot reshape ${fmtShape(from)} into ${fmtShape(shape)}`)
    }
    out[unknown] = total / known
  }
  if (sizeOf(out) !== total) throw new Error(`Reshape: cannot reshape ${fmtShape(from)} into ${fmtShape(shape)}`)
  return out
}
