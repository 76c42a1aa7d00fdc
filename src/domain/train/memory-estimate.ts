import { totalmem } from 'node:os'
import { UserError } from '../../foundation/errors/user-error.ts'
import type { TrainConfig } from './config/train-config.ts'
import { sizeOf } from './ir/shape.ts'
import { countParams, type GptConfig } from './model/gpt.ts'
import { type LoraSettings, loraParamSpecs } from './model/lora.ts'
import { EVAL_GRAPH, STEP_GRAPH, type TrainProgram } from './train-step-graph.ts'
import { planMemory } from './ts/memory-plan.ts'

/** Bytes a run holds at once, by part (a lower bound: the JS heap, data and executor overheads come on top). */
export interface MemoryEstimate {
  parameters: number
  /** Parameters and both AdamW moments, float32. */
  stateBytes: number
  /** The `ts` executor's planned buffers of the step and eval graphs (0 until the graphs are built). */
  bufferBytes: number
  totalBytes: number
}

/** The machine's memory: physical RAM, or the cgroup limit when the process runs under a lower one. */
export interface MachineMemory {
  bytes: number
  source: 'RAM' | 'cgroup limit'
}

/**
 * Parameters and AdamW's m and v, float32: known from the config alone, before any graph is
 * built. With `lora` the base is frozen (no moments) and only the adapters carry m and v.
 */
export function stateEstimate(model: GptConfig, lora?: LoraSettings | null): MemoryEstimate {
  const base = countParams(model, false)
  const adapters = lora ? loraParamSpecs(model, lora).reduce((n, s) => n + sizeOf(s.shape), 0) : 0
  const parameters = base + adapters
  const stateBytes = lora ? 4 * base + 3 * 4 * adapters : 3 * 4 * base
  return { parameters, stateBytes, bufferBytes: 0, totalBytes: stateBytes }
}

/** `stateEstimate` plus the buffers the `ts` executor allocates for the built step and eval graphs. */
export function programEstimate(model: GptConfig, built: TrainProgram, lora?: LoraSettings | null): MemoryEstimate {
  const state = stateEstimate(model, lora)
  const stateNames = new Set(built.program.state.map((s) => s.name))
  let bufferBytes = 0
  for (const name of [STEP_GRAPH, EVAL_GRAPH]) {
    const graph = built.program.graphs[name]
    if (!graph) throw new Error(`BUG: training program without its ${name} graph`)
    bufferBytes += planMemory(graph, stateNames).bytes
  }
  return { ...state, bufferBytes, totalBytes: state.stateBytes + bufferBytes }
}

/** This machine's memory (`os.totalmem()`, or `process.constrainedMemory()` when lower and set). */
export function machineMemory(): MachineMemory {
  const ram = totalmem()
  const limit = process.constrainedMemory?.() ?? 0
  return limit > 0 && limit < ram ? { bytes: limit, source: 'cgroup limit' } : { bytes: ram, source: 'RAM' }
}

/**
 * Refuses a config whose estimate exceeds the machine's memory, before anything is allocated: a
 * UserError with both figures and the fields that shrink the larger part (n_layer and n_embd set
 * the parameter count; batch_size and block_size the activations).
 */
export function checkFitsMemory(config: TrainConfig, estimate: MemoryEstimate, machine: MachineMemory): void {
  if (estimate.totalBytes <= machine.bytes) return
  const parts = [
    `${gb(estimate.stateBytes)} for ${estimate.parameters.toLocaleString('en-US')} parameters and their AdamW moments`,
    ...(estimate.bufferBytes > 0 ? [`${gb(estimate.bufferBytes)} of step and eval buffers`] : []),
  ]
  const model = `n_layer (${config.n_layer}) or n_embd (${config.n_embd}): parameters grow as 12·n_layer·n_embd²`
  const activations = `batch_size (${config.batch_size}) or block_size (${config.block_size}): buffers grow with batch_size·block_size·n_embd and batch_size·n_head·block_size²`
  const modelFirst = estimate.stateBytes >= estimate.bufferBytes
  const [first, second] = modelFirst ? [model, activations] : [activations, model]
  const example = modelFirst ? '--set n_layer=… --set n_embd=…' : '--set batch_size=… --set block_size=…'
  throw new UserError(
    'TRAIN_MEMORY',
    `the config needs at least ${gb(estimate.totalBytes)} to train (${parts.join(' + ')}), but this machine has ${gb(machine.bytes)} (${machine.source})`,
    `shrink ${first}${estimate.bufferBytes > 0 ? `; else ${second}` : ''}; e.g. ${example}, and check with --dry-run`,
  )
}

// --- internal ---

function gb(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${(bytes / 1e6).toFixed(1)} MB`
}
