import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { join } from 'node:path'
import { fsyncDir } from '../../foundation/fs/write-file-atomic.ts'
import type { TensorData, TrainState } from '../train/train-state.ts'
import { CHECKPOINT_FILES, checkpointName } from './checkpoint-layout.ts'
import { encodeManifest, type ManifestEntry } from './manifest.ts'
import { encodeTrainerState, type TrainerStateExtras } from './trainer-state-json.ts'
import { type SafetensorsTensor, writeSafetensors } from './write-safetensors.ts'

/** What a committed save produced. */
export interface SavedCheckpoint {
  name: string
  path: string
  /** sha256 of `manifest.json`'s bytes: the checkpoint's identity in the ledger. */
  manifestSha256: string
  /** Bytes written, all files included. */
  bytes: number
}

/** Key prefixes of the AdamW moments in `optimizer.safetensors` (PyTorch's state names). */
export const OPTIMIZER_KEYS = { m: 'exp_avg.', v: 'exp_avg_sq.', step: 'step' } as const

/**
 * Writes `state` as `<dir>/ckpt-<step>/` atomically: everything goes into
 * `ckpt-<step>.tmp-<nonce>/` on the same filesystem, each file fsynced, the manifest last, then
 * one rename and a fsync of `dir`. A crash at any moment leaves either the old folder set or the
 * new one plus a `.tmp-` folder that `cleanupTemp` removes. An existing folder for the same step
 * (a run resumed from an earlier step) is moved aside under a `.tmp-` name first, then removed.
 */
export async function saveCheckpoint(
  dir: string,
  state: TrainState,
  extras: TrainerStateExtras,
): Promise<SavedCheckpoint> {
  checkState(state)
  const name = checkpointName(state.step)
  const temp = join(dir, `${name}.tmp-${randomBytes(6).toString('hex')}`)
  mkdirSync(dir, { recursive: true })
  mkdirSync(temp)
  let bytes = 0
  try {
    const files: Record<string, ManifestEntry> = {}
    files[CHECKPOINT_FILES.model] = await writeSafetensors(join(temp, CHECKPOINT_FILES.model), modelTensors(state))
    files[CHECKPOINT_FILES.optimizer] = await writeSafetensors(
      join(temp, CHECKPOINT_FILES.optimizer),
      optimizerTensors(state),
    )
    files[CHECKPOINT_FILES.trainerState] = await writeSynced(
      join(temp, CHECKPOINT_FILES.trainerState),
      Buffer.from(encodeTrainerState(state, extras)),
    )
    const manifest = Buffer.from(encodeManifest(state.step, files))
    const { sha256: manifestSha256 } = await writeSynced(join(temp, CHECKPOINT_FILES.manifest), manifest)
    for (const entry of Object.values(files)) bytes += entry.bytes
    bytes += manifest.length
    fsyncDir(temp)

    const path = join(dir, name)
    let replaced: string | undefined
    if (existsSync(path)) {
      replaced = join(dir, `${name}.tmp-replaced-${randomBytes(6).toString('hex')}`)
      renameSync(path, replaced)
    }
    renameSync(temp, path)
    fsyncDir(dir)
    if (replaced) rmSync(replaced, { recursive: true, force: true })
    return { name, path, manifestSha256, bytes }
  } catch (error) {
    rmSync(temp, { recursive: true, force: true })
    throw error
  }
}

// --- internal ---

function checkState(state: TrainState): void {
  const names = Object.keys(state.params)
  for (const name of names) checkTensor(`params["${name}"]`, state.params[name] as TensorData)
  for (const which of ['m', 'v'] as const) {
    const moments = state.optimizer[which]
    const keys = Object.keys(moments)
    if (keys.length === 0) continue // before the first step AdamW holds no moments
    for (const key of keys) {
      const param = state.params[key]
      if (!Object.hasOwn(state.params, key) || !param) {
        throw new Error(`BUG: saveCheckpoint: optimizer.${which}["${key}"] has no parameter of that name`)
      }
      const moment = moments[key] as TensorData
      checkTensor(`optimizer.${which}["${key}"]`, moment)
      if (moment.shape.join(',') !== param.shape.join(',')) {
        throw new Error(
          `BUG: saveCheckpoint: optimizer.${which}["${key}"] is [${moment.shape}] but the parameter is [${param.shape}]`,
        )
      }
    }
    if (keys.length !== names.length) {
      throw new Error(
        `BUG: saveCheckpoint: optimizer.${which} has ${keys.length} entries for ${names.length} parameters`,
      )
    }
  }
  for (const [alias, target] of Object.entries(state.tiedParams ?? {})) {
    if (Object.hasOwn(state.params, alias))
      throw new Error(`BUG: saveCheckpoint: tied key "${alias}" is also a parameter`)
    if (!Object.hasOwn(state.params, target)) {
      throw new Error(`BUG: saveCheckpoint: tied key "${alias}" names "${target}", which is not a parameter`)
    }
  }
  if (!Number.isSafeInteger(state.optimizer.step) || state.optimizer.step < 0) {
    throw new Error(`BUG: saveCheckpoint: optimizer.step must be a non-negative integer, got ${state.optimizer.step}`)
  }
}

function checkTensor(what: string, tensor: TensorData): void {
  if (!(tensor.data instanceof Float32Array)) throw new Error(`BUG: saveCheckpoint: ${what}.data is not a Float32Array`)
  const count = tensor.shape.reduce((a, b) => a * b, 1)
  if (count !== tensor.data.length) {
    throw new Error(
      `BUG: saveCheckpoint: ${what} has shape [${tensor.shape}] (${count} values) but ${tensor.data.length} values`,
    )
  }
}

function f32(tensor: TensorData): SafetensorsTensor {
  return { dtype: 'F32', shape: tensor.shape, data: tensor.data }
}

/** Weights under their state-dict keys; a tied key is written as a copy of the tensor it names. */
function modelTensors(state: TrainState): [string, SafetensorsTensor][] {
  const out: [string, SafetensorsTensor][] = Object.entries(state.params).map(([name, t]) => [name, f32(t)])
  for (const [alias, target] of Object.entries(state.tiedParams ?? {})) {
    out.push([alias, f32(state.params[target] as TensorData)])
  }
  return out
}

function optimizerTensors(state: TrainState): [string, SafetensorsTensor][] {
  const step = new BigInt64Array([BigInt(state.optimizer.step)])
  const out: [string, SafetensorsTensor][] = [[OPTIMIZER_KEYS.step, { dtype: 'I64', shape: [], data: step }]]
  for (const [name, t] of Object.entries(state.optimizer.m)) out.push([OPTIMIZER_KEYS.m + name, f32(t)])
  for (const [name, t] of Object.entries(state.optimizer.v)) out.push([OPTIMIZER_KEYS.v + name, f32(t)])
  return out
}

async function writeSynced(path: string, data: Buffer): Promise<ManifestEntry> {
  const handle = await open(path, 'w', 0o644)
  try {
    let at = 0
    while (at < data.length) at += (await handle.write(data, at, data.length - at, at)).bytesWritten
    await handle.sync()
  } finally {
    await handle.close()
  }
  return { bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') }
}
