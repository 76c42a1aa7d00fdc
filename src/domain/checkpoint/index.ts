// Public surface of the checkpoint core: safetensors I/O, atomic checkpoints, the manager.
export { type CompatibilityOptions, checkCompatible } from './check-compatible.ts'
export {
  CHECKPOINT_FILES,
  CHECKPOINT_FORMAT_VERSION,
  checkpointName,
  isTemporaryName,
  LAST_POINTER,
  parseCheckpointName,
} from './checkpoint-layout.ts'
export {
  type CheckpointListing,
  CheckpointManager,
  type CheckpointManagerOptions,
} from './checkpoint-manager.ts'
export { CORRUPT_CODES, isCorruptCheckpointError, type LoadedCheckpoint, loadCheckpoint } from './load-checkpoint.ts'
export { decodeManifest, encodeManifest, type Manifest } from './manifest.ts'
export {
  asFloat32,
  decodeSafetensors,
  type LoadedTensor,
  parseSafetensorsHeader,
  readSafetensors,
  type SafetensorsFile,
} from './read-safetensors.ts'
export { resolveCheckpointPath } from './resolve-checkpoint-path.ts'
export { planRetention, type RetentionEntry, type RetentionPlan, type RetentionPolicy } from './retention.ts'
export { DTYPES, type Dtype, MAX_HEADER_BYTES } from './safetensors-dtype.ts'
export { OPTIMIZER_KEYS, type SavedCheckpoint, saveCheckpoint } from './save-checkpoint.ts'
export {
  planSafetensors,
  type SafetensorsTensor,
  serializeSafetensors,
  writeSafetensors,
} from './write-safetensors.ts'
