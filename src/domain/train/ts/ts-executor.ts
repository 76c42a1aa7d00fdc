import type { Executor, ExecutorOptions, HostTensor, Program, Session, StateSlot } from '../executor-types.ts'
import type { Graph } from '../ir/graph-builder.ts'
import type { DType, FloatArray, PreparedKernel, TensorArray } from '../ir/op-types.ts'
import { fmtShape, sameShape, sizeOf } from '../ir/shape.ts'
import { OPS } from '../ops/registry.ts'
import { MatmulPool } from './matmul-pool.ts'
import { planMemory } from './memory-plan.ts'

type Precision = 'float32' | 'float64'

/**
 * The reference executor: Float32Array kernels on one thread, every buffer planned and
 * allocated at load time (no allocation per step), fixed summation orders, so the same program
 * on the same feeds gives the same bits. `precision: 'float64'` runs every float in double:
 * the path the finite-difference gradient checks use.
 */
export class TsExecutor implements Executor {
  readonly name = 'ts' as const
  readonly device: string
  private readonly precision: Precision
  private readonly profile: boolean
  private readonly threads: number

  constructor(options: ExecutorOptions & { profile?: boolean } = {}) {
    this.precision = options.precision ?? 'float32'
    this.profile = options.profile ?? false
    this.threads = Math.max(1, Math.floor(options.threads ?? 1))
    const threads = `${this.threads} thread${this.threads === 1 ? '' : 's'}`
    this.device = `cpu (ts, ${threads}${this.precision === 'float64' ? ', float64' : ''})`
  }

  async load(program: Program): Promise<TsSession> {
    return new TsSession(program, this.precision, this.profile, this.threads)
  }
}

/** One compiled step: a kernel and where its buffers are. */
interface Step {
  readonly run: PreparedKernel['run']
  readonly op: string
  readonly inSlots: Int32Array
  readonly outSlots: Int32Array
  readonly ins: TensorArray[]
  readonly outs: TensorArray[]
  readonly scratch: FloatArray[]
}

interface CompiledGraph {
  readonly graph: Graph
  readonly buffers: TensorArray[]
  readonly steps: Step[]
  readonly feeds: Map<string, number>
  readonly stateInputs: Map<string, number>
  /** output name → [slot, state slot it updates or undefined]. */
  readonly outputs: Map<string, { slot: number; updates: string | undefined }>
}

/** A loaded program on the `ts` executor. */
export class TsSession implements Session {
  /** With `profile`, milliseconds spent per op type since load (benchmarks read it). */
  readonly opTimes = new Map<string, number>()
  private readonly profile: boolean
  private readonly state = new Map<string, TensorArray>()
  private readonly slots = new Map<string, StateSlot>()
  private readonly graphs = new Map<string, CompiledGraph>()
  private readonly precision: Precision
  private readonly pool: MatmulPool | undefined

  constructor(program: Program, precision: Precision, profile = false, threads = 1) {
    this.precision = precision
    this.profile = profile
    // With threads, every float buffer lives in shared memory so the pool's workers can read it.
    this.pool = threads > 1 ? new MatmulPool(threads, precision === 'float64') : undefined
    for (const slot of program.state) {
      this.slots.set(slot.name, slot)
      this.state.set(slot.name, this.allocate(slot.dtype, sizeOf(slot.shape)))
    }
    for (const [name, graph] of Object.entries(program.graphs)) {
      this.graphs.set(name, this.compile(name, graph, program.updates[name] ?? {}))
    }
    this.pool?.start()
  }

  async run(graphName: string, feeds: Readonly<Record<string, HostTensor>>): Promise<Record<string, HostTensor>> {
    const compiled = this.graphs.get(graphName)
    if (!compiled)
      throw new Error(`ts executor: no graph named ${graphName}; loaded: ${[...this.graphs.keys()].join(', ')}`)
    const { buffers, graph } = compiled
    for (const [name, slot] of compiled.feeds) {
      const feed = feeds[name]
      const expected = graph.values.get(name)
      if (!feed || !expected) throw new Error(`ts executor: ${graphName} needs feed ${name}`)
      checkTensor(`feed ${name}`, feed, expected.shape, expected.dtype)
      ;(buffers[slot] as TensorArray).set(feed.data as never)
    }
    for (const [name, slot] of compiled.stateInputs) buffers[slot] = this.state.get(name) as TensorArray
    for (const step of compiled.steps) {
      const { ins, outs, inSlots, outSlots } = step
      for (let i = 0; i < inSlots.length; i++) ins[i] = buffers[inSlots[i] as number] as TensorArray
      for (let i = 0; i < outSlots.length; i++) outs[i] = buffers[outSlots[i] as number] as TensorArray
      if (this.profile) {
        const started = performance.now()
        step.run(ins, outs, step.scratch)
        this.opTimes.set(step.op, (this.opTimes.get(step.op) ?? 0) + performance.now() - started)
      } else step.run(ins, outs, step.scratch)
    }
    const result: Record<string, HostTensor> = {}
    for (const [name, { slot, updates }] of compiled.outputs) {
      const v = graph.values.get(name) as { shape: readonly number[]; dtype: DType }
      if (updates) {
        // Swap: the new value becomes the state; the old state buffer is overwritten next run.
        const previous = this.state.get(updates) as TensorArray
        this.state.set(updates, buffers[slot] as TensorArray)
        buffers[slot] = previous
      } else {
        result[name] = { shape: [...v.shape], dtype: v.dtype, data: (buffers[slot] as TensorArray).slice() }
      }
    }
    return result
  }

  async readState(names?: readonly string[]): Promise<Record<string, HostTensor>> {
    const out: Record<string, HostTensor> = {}
    for (const name of names ?? [...this.slots.keys()]) {
      const slot = this.slots.get(name)
      if (!slot) throw new Error(`ts executor: no state slot ${name}`)
      out[name] = { shape: [...slot.shape], dtype: slot.dtype, data: (this.state.get(name) as TensorArray).slice() }
    }
    return out
  }

  async writeState(values: Readonly<Record<string, HostTensor>>): Promise<void> {
    for (const [name, tensor] of Object.entries(values)) {
      const slot = this.slots.get(name)
      if (!slot) throw new Error(`ts executor: no state slot ${name}`)
      checkTensor(`state ${name}`, tensor, slot.shape, slot.dtype)
      ;(this.state.get(name) as TensorArray).set(tensor.data as never)
    }
  }

  async dispose(): Promise<void> {
    this.graphs.clear()
    this.state.clear()
    await this.pool?.dispose()
  }

  /** A buffer for `dtype`: floats follow the precision, and live in the pool's shared memory when there is one. */
  private allocate(dtype: DType, length: number): TensorArray {
    if (dtype === 'int32') return new Int32Array(length)
    if (dtype === 'bool') return new Uint8Array(length)
    if (this.pool) return this.pool.allocate(length)
    return this.precision === 'float64' ? new Float64Array(length) : new Float32Array(length)
  }

  private compile(name: string, graph: Graph, updates: Readonly<Record<string, string>>): CompiledGraph {
    const stateNames = new Set(graph.inputs.filter((v) => this.slots.has(v.name)).map((v) => v.name))
    const plan = planMemory(graph, stateNames)
    const buffers = plan.slots.map((s) => (s.kind === 'state' ? new Float32Array(0) : this.allocate(s.dtype, s.length)))
    for (const [valueName, init] of graph.initializers) {
      ;(buffers[plan.slotOf.get(valueName) as number] as TensorArray).set(init.data as never)
    }
    const prepared = plan.steps.map((step) => {
      const def = OPS[step.node.op] as { forward(ctx: unknown): PreparedKernel }
      return def.forward({
        inputs: step.inputs,
        outputs: step.outputs,
        attrs: step.node.attrs,
        bTransposed: step.bTransposed,
        gemm: this.pool?.gemm,
      })
    })
    // One shared scratch arena: steps run one at a time, so each gets views at offset 0.
    const arenaLength = Math.max(0, ...prepared.map((k) => (k.scratch ?? []).reduce((a, n) => a + n, 0)))
    const arena = this.allocate('float32', arenaLength) as FloatArray
    const steps: Step[] = plan.steps.map((step, i) => {
      const kernel = prepared[i] as PreparedKernel
      let offset = 0
      const scratch = (kernel.scratch ?? []).map((n) => {
        const view = arena.subarray(offset, offset + n)
        offset += n
        return view
      })
      return {
        run: kernel.run,
        op: step.node.op,
        inSlots: Int32Array.from(step.inSlots),
        outSlots: Int32Array.from(step.outSlots),
        ins: new Array(step.inSlots.length),
        outs: new Array(step.outSlots.length),
        scratch,
      }
    })
    const feeds = new Map<string, number>()
    const stateInputs = new Map<string, number>()
    for (const input of graph.inputs) {
      const slot = plan.slotOf.get(input.name) as number
      if (stateNames.has(input.name)) {
        const declared = this.slots.get(input.name) as StateSlot
        if (!sameShape(declared.shape, input.shape) || declared.dtype !== input.dtype) {
          throw new Error(
            `ts executor: ${name} input ${input.name} is ${fmtShape(input.shape)} ${input.dtype} but the state slot is ${fmtShape(declared.shape)} ${declared.dtype}`,
          )
        }
        stateInputs.set(input.name, slot)
      } else feeds.set(input.name, slot)
    }
    const outputs = new Map<string, { slot: number; updates: string | undefined }>()
    for (const output of graph.outputs) {
      const target = updates[output.name]
      if (target !== undefined) {
        const declared = this.slots.get(target)
        if (!declared || !sameShape(declared.shape, output.shape) || declared.dtype !== output.dtype) {
          throw new Error(`ts executor: ${name} output ${output.name} cannot update state slot ${target}`)
        }
      }
      outputs.set(output.name, { slot: plan.slotOf.get(output.name) as number, updates: target })
    }
    for (const target of Object.keys(updates)) {
      if (!outputs.has(target)) throw new Error(`ts executor: ${name} has no output ${target} to update state with`)
    }
    return { graph, buffers, steps, feeds, stateInputs, outputs }
  }
}

function checkTensor(what: string, tensor: HostTensor, shape: readonly number[], dtype: DType): void {
  if (tensor.dtype !== dtype || !sameShape(tensor.shape, shape) || tensor.data.length !== sizeOf(shape)) {
    throw new Error(
      `ts executor: ${what} is ${fmtShape(tensor.shape)} ${tensor.dtype} (${tensor.data.length} values), expected ${fmtShape(shape)} ${dtype}`,
    )
  }
}
