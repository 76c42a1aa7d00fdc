import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import ort from 'onnxruntime-node'
import type { Executor, ExecutorOptions, HostTensor, Program, Session, StateSlot } from '../executor-types.ts'
import { type Graph, GraphBuilder } from '../ir/graph-builder.ts'
import type { DType, TensorArray, Value } from '../ir/op-types.ts'
import { fmtShape, sameShape, sizeOf } from '../ir/shape.ts'
import { graphToOnnx } from '../onnx/graph-to-onnx.ts'
import { probeWebGpu, webGpuUnavailable } from './webgpu-adapter.ts'

export type OrtBackend = 'ort-cpu' | 'ort-webgpu'

export interface OrtExecutorOptions extends ExecutorOptions {
  /** ort-cpu: intra-op threads (default: every core, `os.availableParallelism()`). */
  threads?: number
  /** Write onnxruntime's per-node profile (Chrome trace JSON) of each graph into this folder. */
  profileDir?: string
}

/**
 * `--backend ort-cpu | ort-webgpu`: each graph of a program exported to ONNX (opset 17) and run
 * by onnxruntime-node. The whole train step is one graph, so one `run` is one optimizer step.
 * On WebGPU the state (parameters, moments) stays on the device: updated state outputs are
 * asked for as `gpu-buffer` and fed straight back; only the other outputs (loss, logged
 * scalars) and explicit `readState` calls are downloaded.
 */
export async function createOrtExecutor(backend: OrtBackend, options: OrtExecutorOptions = {}): Promise<Executor> {
  if (options.precision === 'float64') {
    throw new Error(`${backend}: float64 precision is the ts executor's reference mode; onnxruntime runs float32`)
  }
  if (backend === 'ort-webgpu') {
    const probe = await probeWebGpu()
    if (!probe.ok) throw webGpuUnavailable(probe.reason)
    return new OrtExecutor(
      backend,
      'webgpu',
      `webgpu (onnxruntime-node ${ort.env.versions.node ?? '?'}, Dawn)`,
      0,
      options.profileDir,
    )
  }
  const threads = options.threads ?? availableParallelism()
  const device = `cpu (onnxruntime-node ${ort.env.versions.node ?? '?'}, ${threads} threads)`
  return new OrtExecutor(backend, 'cpu', device, threads, options.profileDir)
}

class OrtExecutor implements Executor {
  constructor(
    readonly name: OrtBackend,
    private readonly provider: 'cpu' | 'webgpu',
    readonly device: string,
    private readonly threads: number,
    private readonly profileDir: string | undefined,
  ) {}

  async load(program: Program): Promise<OrtSession> {
    const session = new OrtSession(program, this.name, this.provider)
    try {
      for (const [name, graph] of Object.entries(program.graphs)) {
        await session.compile(name, graph, program.updates[name] ?? {}, this.threads, this.profileDir)
      }
    } catch (error) {
      await session.dispose()
      throw error
    }
    return session
  }
}

interface CompiledGraph {
  readonly graph: Graph
  readonly session: ort.InferenceSession
  readonly stateInputs: readonly string[]
  readonly feeds: readonly string[]
  /** Output name → state slot it replaces (absent: returned to the caller). */
  readonly updates: Readonly<Record<string, string>>
}

const ORT_TYPE = { float32: 'float32', int32: 'int32', bool: 'bool' } as const

/** A program loaded into onnxruntime sessions (one per graph) sharing the state tensors. */
export class OrtSession implements Session {
  private readonly slots = new Map<string, StateSlot>()
  private readonly state = new Map<string, ort.Tensor>()
  private readonly graphs = new Map<string, CompiledGraph>()
  /** WebGPU: Identity over every state slot with host outputs, the one way state leaves the device. */
  private download: ort.InferenceSession | undefined

  constructor(
    program: Program,
    private readonly backend: OrtBackend,
    private readonly provider: 'cpu' | 'webgpu',
  ) {
    for (const slot of program.state) {
      this.slots.set(slot.name, slot)
      this.state.set(
        slot.name,
        hostToOrt({ shape: slot.shape, dtype: slot.dtype, data: zeros(slot.dtype, sizeOf(slot.shape)) }),
      )
    }
  }

  async compile(
    name: string,
    graph: Graph,
    updates: Readonly<Record<string, string>>,
    threads: number,
    profileDir: string | undefined,
  ): Promise<void> {
    const stateInputs: string[] = []
    const feeds: string[] = []
    for (const input of graph.inputs) {
      const slot = this.slots.get(input.name)
      if (!slot) {
        feeds.push(input.name)
        continue
      }
      if (!sameShape(slot.shape, input.shape) || slot.dtype !== input.dtype) {
        throw new Error(
          `${this.backend}: ${name} input ${input.name} is ${fmtShape(input.shape)} ${input.dtype} but the state slot is ${fmtShape(slot.shape)} ${slot.dtype}`,
        )
      }
      stateInputs.push(input.name)
    }
    const location: Record<string, 'gpu-buffer' | 'cpu'> = {}
    for (const output of graph.outputs) {
      const target = updates[output.name]
      if (target !== undefined) {
        const slot = this.slots.get(target)
        if (!slot || !sameShape(slot.shape, output.shape) || slot.dtype !== output.dtype) {
          throw new Error(`${this.backend}: ${name} output ${output.name} cannot update state slot ${target}`)
        }
      }
      // Per-output map: all outputs as gpu-buffer with a scalar read back by getData() aborts the
      // process in onnxruntime-node 1.30 (../shared/notes/gpu.md), so scalars stay on 'cpu'.
      location[output.name] = target !== undefined ? 'gpu-buffer' : 'cpu'
    }
    for (const target of Object.keys(updates)) {
      if (!(target in location))
        throw new Error(`${this.backend}: ${name} has no output ${target} to update state with`)
    }
    const model = graphToOnnx(graph, { name })
    const options: ort.InferenceSession.SessionOptions =
      this.provider === 'webgpu'
        ? {
            executionProviders: ['webgpu'],
            graphOptimizationLevel: 'all',
            preferredOutputLocation: location,
            logSeverityLevel: 3,
          }
        : {
            executionProviders: ['cpu'],
            graphOptimizationLevel: 'all',
            intraOpNumThreads: threads,
            logSeverityLevel: 3,
          }
    if (profileDir)
      Object.assign(options, { enableProfiling: true, profileFilePrefix: join(profileDir, `${this.backend}-${name}`) })
    const session = await ort.InferenceSession.create(model, options)
    this.graphs.set(name, { graph, session, stateInputs, feeds, updates })
  }

  async run(graphName: string, feeds: Readonly<Record<string, HostTensor>>): Promise<Record<string, HostTensor>> {
    const compiled = this.graphs.get(graphName)
    if (!compiled)
      throw new Error(`${this.backend}: no graph named ${graphName}; loaded: ${[...this.graphs.keys()].join(', ')}`)
    const inputs: Record<string, ort.Tensor> = {}
    for (const name of compiled.feeds) {
      const feed = feeds[name]
      const expected = compiled.graph.values.get(name)
      if (!feed || !expected) throw new Error(`${this.backend}: ${graphName} needs feed ${name}`)
      checkTensor(this.backend, `feed ${name}`, feed, expected.shape, expected.dtype)
      inputs[name] = hostToOrt(feed)
    }
    for (const name of compiled.stateInputs) inputs[name] = this.state.get(name) as ort.Tensor
    const outputs = await compiled.session.run(inputs)
    const result: Record<string, HostTensor> = {}
    for (const output of compiled.graph.outputs) {
      const tensor = outputs[output.name] as ort.Tensor
      const target = compiled.updates[output.name]
      if (target === undefined) {
        result[output.name] = { shape: [...output.shape], dtype: output.dtype, data: tensor.data as TensorArray }
        continue
      }
      // The new tensor becomes the state (on WebGPU: a device buffer, fed back as is next run).
      const previous = this.state.get(target)
      this.state.set(target, tensor)
      release(previous)
    }
    return result
  }

  /** Where state slot `name` lives now: `cpu` until a run returns it from the device, then `gpu-buffer` on WebGPU. */
  stateLocation(name: string): string {
    const tensor = this.state.get(name)
    if (!tensor) throw new Error(`${this.backend}: no state slot ${name}`)
    return tensor.location
  }

  async readState(names?: readonly string[]): Promise<Record<string, HostTensor>> {
    const wanted = names ?? [...this.slots.keys()]
    const onDevice: string[] = []
    const out: Record<string, HostTensor> = {}
    for (const name of wanted) {
      const slot = this.slots.get(name)
      const tensor = this.state.get(name)
      if (!slot || !tensor) throw new Error(`${this.backend}: no state slot ${name}`)
      if (tensor.location === 'gpu-buffer') onDevice.push(name)
      else out[name] = { shape: [...slot.shape], dtype: slot.dtype, data: (tensor.data as TensorArray).slice() }
    }
    if (onDevice.length > 0) {
      // Not Tensor.getData(): on the H100 it aborted the process ("terminate called after throwing
      // an instance of 'char const*'") in onnxruntime-node 1.30. A graph whose outputs are placed
      // on 'cpu' copies device buffers to the host through onnxruntime's own transfer instead.
      this.download ??= await this.downloadSession()
      const feeds = Object.fromEntries(this.state)
      const copies = await this.download.run(feeds, onDevice.map(hostName))
      for (const name of onDevice) {
        const slot = this.slots.get(name) as StateSlot
        out[name] = {
          shape: [...slot.shape],
          dtype: slot.dtype,
          data: (copies[hostName(name)] as ort.Tensor).data as TensorArray,
        }
      }
    }
    return Object.fromEntries(wanted.map((name) => [name, out[name] as HostTensor]))
  }

  async writeState(values: Readonly<Record<string, HostTensor>>): Promise<void> {
    for (const [name, tensor] of Object.entries(values)) {
      const slot = this.slots.get(name)
      if (!slot) throw new Error(`${this.backend}: no state slot ${name}`)
      checkTensor(this.backend, `state ${name}`, tensor, slot.shape, slot.dtype)
      const previous = this.state.get(name)
      this.state.set(name, hostToOrt({ shape: slot.shape, dtype: slot.dtype, data: tensor.data.slice() }))
      release(previous)
    }
  }

  /** Ends profiling (sessions created with `profileDir`): the trace files are then complete on disk. */
  async endProfiling(): Promise<void> {
    for (const { session } of this.graphs.values()) await session.endProfiling()
  }

  async dispose(): Promise<void> {
    for (const tensor of this.state.values()) release(tensor)
    this.state.clear()
    await this.download?.release()
    this.download = undefined
    for (const { session } of this.graphs.values()) await session.release()
    this.graphs.clear()
  }

  private async downloadSession(): Promise<ort.InferenceSession> {
    const b = new GraphBuilder()
    const outputs: Record<string, Value> = {}
    for (const slot of this.slots.values()) outputs[hostName(slot.name)] = b.input(slot.name, slot.shape, slot.dtype)
    const model = graphToOnnx(b.finish(outputs), { name: 'download' })
    return ort.InferenceSession.create(model, {
      executionProviders: [this.provider],
      preferredOutputLocation: 'cpu',
      logSeverityLevel: 3,
    })
  }
}

// --- internal ---

/** Output name of the host copy of state slot `name` in the download graph. */
function hostName(name: string): string {
  return `${name}:host`
}

/** Frees a device buffer; host tensors are left to the garbage collector. */
function release(tensor: ort.Tensor | undefined): void {
  if (tensor?.location === 'gpu-buffer') tensor.dispose()
}

function hostToOrt(tensor: HostTensor): ort.Tensor {
  if (tensor.dtype === 'float32' && !(tensor.data instanceof Float32Array)) {
    throw new Error(`onnxruntime: float32 tensors must be Float32Array, got ${tensor.data.constructor.name}`)
  }
  return new ort.Tensor(ORT_TYPE[tensor.dtype], tensor.data as Float32Array, [...tensor.shape])
}

function zeros(dtype: DType, n: number): TensorArray {
  return dtype === 'float32' ? new Float32Array(n) : dtype === 'int32' ? new Int32Array(n) : new Uint8Array(n)
}

function checkTensor(who: string, what: string, tensor: HostTensor, shape: readonly number[], dtype: DType): void {
  if (tensor.dtype !== dtype || !sameShape(tensor.shape, shape) || tensor.data.length !== sizeOf(shape)) {
    throw new Error(
      `${who}: ${what} is ${fmtShape(tensor.shape)} ${tensor.dtype} (${tensor.data.length} values), expected ${fmtShape(shape)} ${dtype}`,
    )
  }
}
