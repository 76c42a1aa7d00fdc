import { basename } from 'node:path'
import { UserError } from '../../foundation/errors/user-error.ts'
import type { TrainState } from '../train/train-state.ts'
import { CHECKPOINT_FILES } from './checkpoint-layout.ts'

export interface CompatibilityOptions {
  /** This run's config hash; undefined skips the check. */
  configHash?: string
  /** Accept a different hash: reported back instead of refused. */
  allowConfigChange?: boolean
  /** The model's parameter shapes; undefined skips the check. */
  expectedShapes?: Record<string, readonly number[]>
}

/**
 * Refuses a checkpoint that does not fit this run: a different config hash (unless allowed:
 * then the change is returned so the caller can warn and record it) or parameters whose names
 * or shapes differ from the model's. Errors name the checkpoint file and the tensor.
 */
export function checkCompatible(
  path: string,
  state: TrainState,
  options: CompatibilityOptions,
): { configChange: { from: string; to: string } | null } {
  const folder = basename(path)
  const { configHash, allowConfigChange, expectedShapes } = options
  let configChange: { from: string; to: string } | null = null
  if (configHash !== undefined && state.configHash !== configHash) {
    if (!allowConfigChange) {
      throw new UserError(
        'CHECKPOINT_CONFIG',
        `${folder}/${CHECKPOINT_FILES.trainerState} was written with config hash ${state.configHash.slice(0, 12)}… but this run's config hashes to ${configHash.slice(0, 12)}…`,
        'resume with the same config, or pass --allow-config-change to accept the change (it is recorded in the ledger)',
      )
    }
    configChange = { from: state.configHash, to: configHash }
  }
  if (expectedShapes) checkShapes(`${folder}/${CHECKPOINT_FILES.model}`, state, expectedShapes)
  return { configChange }
}

// --- internal ---

function checkShapes(file: string, state: TrainState, expected: Record<string, readonly number[]>): void {
  const hint = 'resume with the model config the checkpoint was written with'
  const missing = Object.keys(expected).filter((k) => !Object.hasOwn(state.params, k))
  const extra = Object.keys(state.params).filter((k) => !Object.hasOwn(expected, k))
  if (missing.length > 0 || extra.length > 0) {
    const parts = [
      ...(missing.length ? [`missing ${missing.slice(0, 5).join(', ')}`] : []),
      ...(extra.length ? [`unexpected ${extra.slice(0, 5).join(', ')}`] : []),
    ]
    throw new UserError('CHECKPOINT_SHAPE', `${file} does not match the model: ${parts.join('; ')}`, hint)
  }
  for (const [key, want] of Object.entries(expected)) {
    const got = (state.params[key] as { shape: number[] }).shape
    if (got.join(',') !== want.join(',')) {
      throw new UserError(
        'CHECKPOINT_SHAPE',
        `${file}: tensor "${key}" is [${got.join(', ')}] but the model expects [${want.join(', ')}]`,
        hint,
      )
    }
  }
}
