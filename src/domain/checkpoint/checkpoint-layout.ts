/** File names inside one checkpoint folder `ckpt-<step>/`. */
export const CHECKPOINT_FILES = {
  model: 'model.safetensors',
  optimizer: 'optimizer.safetensors',
  trainerState: 'trainer_state.json',
  manifest: 'manifest.json',
} as const

/** Files the manifest lists (everything but itself), in the order they are written. */
export const MANIFEST_LISTED = [CHECKPOINT_FILES.model, CHECKPOINT_FILES.optimizer, CHECKPOINT_FILES.trainerState]

/** The pointer file beside the checkpoints, holding the newest committed folder's name. */
export const LAST_POINTER = 'last'

/** Version of the folder layout and of trainer_state.json; bumped on incompatible change. */
export const CHECKPOINT_FORMAT_VERSION = 1

const COMMITTED = /^ckpt-(0|[1-9][0-9]{0,15})$/
const TEMPORARY = /^ckpt-(0|[1-9][0-9]{0,15})\.tmp-[0-9a-z-]+$/

/** `ckpt-<step>` */
export function checkpointName(step: number): string {
  if (!Number.isSafeInteger(step) || step < 0)
    throw new Error(`BUG: checkpoint step must be a non-negative integer, got ${step}`)
  return `ckpt-${step}`
}

/** The step of a committed folder name, or null for anything else (temp folders included). */
export function parseCheckpointName(name: string): number | null {
  const match = COMMITTED.exec(name)
  if (!match) return null
  const step = Number(match[1])
  return Number.isSafeInteger(step) ? step : null
}

/** True for `ckpt-<step>.tmp-<nonce>` folders: unfinished writes or deletions, never used. */
export function isTemporaryName(name: string): boolean {
  return TEMPORARY.test(name)
}
