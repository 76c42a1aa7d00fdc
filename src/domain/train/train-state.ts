import type { DataCursor } from '../data/data-cursor.ts'

export type { DataCursor }

/**
 * Everything a training run needs to continue exactly where it stopped. The trainer produces it
 * (`captureState`) and accepts it back (`initialState`); src/domain/checkpoint persists it. Shared
 * contract between src/domain/train and src/domain/checkpoint: extend, never rename.
 */
export interface TensorData {
  shape: number[]
  data: Float32Array
}

/** The weights a run started from: where they came from and a digest of the tensors as used. */
export interface BaseModelRef {
  /** As the config's `init_from` names it (a folder, `registry:<name>`, a registry name), or `init` for the seed's fresh init. */
  source: string
  /** sha256 over the tensors (see `weightsDigest`): a LoRA run's resume refuses a base that changed. */
  digest: string
  /** Parameters in the base (tied lm_head counted once). */
  parameters: number
}

export interface TrainState {
  /** Optimizer steps completed. */
  step: number
  /** Fractional epochs completed (HF's convention). */
  epoch: number
  /** Parameters by nanoGPT state-dict key, Linear weights `[out, in]`; each trainable tensor once. */
  params: Record<string, TensorData>
  /**
   * State-dict keys that alias a parameter (weight tying), e.g. `{"lm_head.weight":
   * "transformer.wte.weight"}`: not in `params`, but a nanoGPT state dict for `load_state_dict`
   * must hold them too (as a copy of the tensor they name).
   */
  tiedParams?: Record<string, string>
  /** AdamW state: first and second moments per parameter and the step used for bias correction. */
  optimizer: { step: number; m: Record<string, TensorData>; v: Record<string, TensorData> }
  /** Every PRNG's serialized state, by role (e.g. `init`, `batches`, `dropout`). */
  rng: Record<string, number[]>
  dataCursor: DataCursor
  /** Learning-rate schedule position and the last LR applied. */
  schedule: { step: number; lr: number }
  /** Best monitored metric so far (null before the first eval). */
  bestMetric: number | null
  /** The resolved config and its sha256 (over canonical JSON). */
  config: unknown
  configHash: string
  /**
   * The base a LoRA run adapts (then `params` holds the adapters only: the base is frozen and not
   * saved) or a fine-tune started from (then `params` holds every weight). Absent for runs from
   * a fresh init without adapters.
   */
  base?: BaseModelRef
}

/** Receives a state at checkpoint boundaries; implemented by src/domain/checkpoint's manager. */
export interface Checkpointer {
  /**
   * Persists `state`; a returned promise resolves once it is durable (the trainer awaits it).
   * What it resolves to (e.g. the folder written) is the implementer's.
   */
  save(state: TrainState, metrics: Record<string, number>): unknown
}
