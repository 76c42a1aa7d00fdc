// The executor contract: what a backend loads and runs. Apart from executor.ts (the registry that
// loads backends lazily) so the backends can implement it without importing the registry.
import type { Graph } from './ir/graph-builder.ts'
import type { DType, TensorArray } from './ir/op-types.ts'

/** The backends `--backend` accepts. */
export const BACKENDS = ['ts', 'ort-cpu', 'ort-webgpu'] as const
export type BackendName = (typeof BACKENDS)[number]

/** A tensor on the host: what feeds are and what runs and state reads return. */
export interface HostTensor {
  readonly shape: readonly number[]
  readonly dtype: DType
  readonly data: TensorArray
}

/** A persistent tensor a session owns between runs (parameters, AdamW moments). */
export interface StateSlot {
  readonly name: string
  readonly shape: readonly number[]
  readonly dtype: DType
}

/**
 * What an executor loads: named graphs sharing state. A graph input named like a state slot is
 * fed from the session's state; after a run, each output listed in `updates[graph]` replaces the
 * state slot it names (so parameters and moments can stay on the device between steps).
 */
export interface Program {
  readonly graphs: Readonly<Record<string, Graph>>
  readonly state: readonly StateSlot[]
  /** graph name → output name → state slot it replaces after a run of that graph. */
  readonly updates: Readonly<Record<string, Readonly<Record<string, string>>>>
}

/** A loaded program. Outputs and state reads are copies the caller owns. */
export interface Session {
  /** Runs `graph` on `feeds` (its non-state inputs); returns its outputs that are not state updates. */
  run(graph: string, feeds: Readonly<Record<string, HostTensor>>): Promise<Record<string, HostTensor>>
  /** Copies state slots to the host (all when `names` is absent). */
  readState(names?: readonly string[]): Promise<Record<string, HostTensor>>
  /** Overwrites state slots. */
  writeState(values: Readonly<Record<string, HostTensor>>): Promise<void>
  dispose(): Promise<void>
}

export interface Executor {
  readonly name: BackendName
  /** Human-readable device, recorded with the run (e.g. `cpu (ts, 1 thread)`). */
  readonly device: string
  load(program: Program): Promise<Session>
}

export interface ExecutorOptions {
  /** `ts` only: run float32 values in float64 (the reference path of the gradient checks). */
  precision?: 'float32' | 'float64'
  /**
   * CPU threads: `ts` splits matrix products over them (default 1; the bits do not depend on
   * the count); onnxruntime's CPU provider uses them as intra-op threads.
   */
  threads?: number
}
