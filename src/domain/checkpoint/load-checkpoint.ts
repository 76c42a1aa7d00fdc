import { createHash } from 'node:crypto'
import { lstat, readFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { isUserError } from '../../foundation/errors/user-error.ts'
import type { TensorData, TrainState } from '../train/train-state.ts'
import { CHECKPOINT_FILES, MANIFEST_LISTED, parseCheckpointName } from './checkpoint-layout.ts'
import { decodeManifest, type Manifest } from './manifest.ts'
import { asFloat32, asSafeInteger, type LoadedTensor, readSafetensors } from './read-safetensors.ts'
import { OPTIMIZER_KEYS } from './save-checkpoint.ts'
import { corrupt, decodeTrainerState, type TrainerStateExtras } from './trainer-state-json.ts'

export interface LoadedCheckpoint {
  path: string
  state: TrainState
  extras: TrainerStateExtras
  manifestSha256: string
}

/** Error codes meaning "this checkpoint is damaged or partial": `loadLatest` skips these. */
export const CORRUPT_CODES: ReadonlySet<string> = new Set(['CHECKPOINT_CORRUPT', 'SAFETENSORS_INVALID'])

/** True for an error that marks a damaged checkpoint (as opposed to a usage or config problem). */
export function isCorruptCheckpointError(error: unknown): boolean {
  return isUserError(error) && CORRUPT_CODES.has(error.code)
}

/**
 * Loads `ckpt-<step>/` and verifies all of it in the same pass: the manifest (self digest,
 * canonical form, step = folder name), every listed file (regular file, not a link, exact size,
 * sha256), both safetensors files (full header validation), trainer_state.json (every field),
 * and that weights, moments and names agree. Any fault throws a CHECKPOINT_CORRUPT or
 * SAFETENSORS_INVALID UserError naming the file.
 */
export async function loadCheckpoint(path: string): Promise<LoadedCheckpoint> {
  const folder = basename(path)
  const rel = (file: string) => `${folder}/${file}`
  const folderStat = await lstat(path).catch(() => null)
  if (!folderStat?.isDirectory()) throw corrupt(folder, 'is not a folder')

  const manifestFile = rel(CHECKPOINT_FILES.manifest)
  const manifestBytes = await readRegular(join(path, CHECKPOINT_FILES.manifest), manifestFile)
  const manifest = decodeManifest(manifestBytes.toString('utf8'), manifestFile)
  const step = parseCheckpointName(folder)
  if (step !== null && step !== manifest.step)
    throw corrupt(manifestFile, `says step ${manifest.step} but the folder is ${folder}`)
  for (const name of MANIFEST_LISTED) await checkListed(path, name, manifest, rel(name))

  const stateFile = rel(CHECKPOINT_FILES.trainerState)
  const stateBytes = await readRegular(join(path, CHECKPOINT_FILES.trainerState), stateFile)
  checkDigest(stateBytes, manifest, CHECKPOINT_FILES.trainerState, stateFile)
  const { state: scalars, extras } = decodeTrainerState(stateBytes.toString('utf8'), stateFile)
  if (scalars.step !== manifest.step)
    throw corrupt(stateFile, `global_step ${scalars.step} differs from the manifest's step ${manifest.step}`)

  const modelFile = rel(CHECKPOINT_FILES.model)
  const model = await readSafetensors(join(path, CHECKPOINT_FILES.model), {
    sha256: entry(manifest, CHECKPOINT_FILES.model).sha256,
    name: modelFile,
  })
  const names = scalars.paramNames
  if (new Set(names).size !== names.length) throw corrupt(stateFile, 'param_names lists a name twice')
  const params = tensorsFor(names, '', model.tensors, modelFile)
  const tied = scalars.tiedParams ?? {}
  for (const [alias, target] of Object.entries(tied)) {
    const copy = model.tensors.get(alias)
    const original = model.tensors.get(target)
    if (!copy || !original || Object.hasOwn(params, alias)) {
      throw corrupt(
        stateFile,
        `tied_params maps "${alias}" to "${target}", which ${modelFile} does not hold as a tied pair`,
      )
    }
    if (
      copy.shape.join(',') !== original.shape.join(',') ||
      !Buffer.from(copy.bytes).equals(Buffer.from(original.bytes))
    ) {
      throw corrupt(modelFile, `tied tensor "${alias}" differs from "${target}", the parameter it copies`)
    }
  }
  const expectedTensors = names.length + Object.keys(tied).length
  if (model.tensors.size !== expectedTensors) {
    const known = new Set([...names, ...Object.keys(tied)])
    const extra = [...model.tensors.keys()].filter((k) => !known.has(k))
    throw corrupt(modelFile, `holds tensors not in param_names: ${extra.slice(0, 5).join(', ')}`)
  }

  const optimizerFile = rel(CHECKPOINT_FILES.optimizer)
  const optimizer = await readSafetensors(join(path, CHECKPOINT_FILES.optimizer), {
    sha256: entry(manifest, CHECKPOINT_FILES.optimizer).sha256,
    name: optimizerFile,
  })
  const stepTensor = optimizer.tensors.get(OPTIMIZER_KEYS.step)
  if (!stepTensor) throw corrupt(optimizerFile, `has no "${OPTIMIZER_KEYS.step}" tensor`)
  const hasMoments = optimizer.tensors.size > 1
  const m = hasMoments ? tensorsFor(names, OPTIMIZER_KEYS.m, optimizer.tensors, optimizerFile) : {}
  const v = hasMoments ? tensorsFor(names, OPTIMIZER_KEYS.v, optimizer.tensors, optimizerFile) : {}
  const expectedCount = 1 + (hasMoments ? 2 * names.length : 0)
  if (optimizer.tensors.size !== expectedCount) {
    throw corrupt(
      optimizerFile,
      `holds ${optimizer.tensors.size} tensors, expected ${expectedCount} (step + 2 moments per parameter)`,
    )
  }
  for (const name of hasMoments ? names : []) {
    for (const [which, moments] of [
      ['exp_avg', m],
      ['exp_avg_sq', v],
    ] as const) {
      const shape = (moments[name] as TensorData).shape
      const want = (params[name] as TensorData).shape
      if (shape.join(',') !== want.join(',')) {
        throw corrupt(optimizerFile, `${which}.${name} is [${shape}] but the parameter is [${want}]`)
      }
    }
  }

  const state: TrainState = {
    step: scalars.step,
    epoch: scalars.epoch,
    params,
    ...(scalars.tiedParams ? { tiedParams: scalars.tiedParams } : {}),
    optimizer: { step: asSafeInteger(stepTensor, OPTIMIZER_KEYS.step, optimizerFile), m, v },
    rng: scalars.rng,
    dataCursor: scalars.dataCursor,
    schedule: scalars.schedule,
    bestMetric: scalars.bestMetric,
    config: scalars.config,
    configHash: scalars.configHash,
    ...(scalars.base ? { base: scalars.base } : {}),
  }
  return { path, state, extras, manifestSha256: createHash('sha256').update(manifestBytes).digest('hex') }
}

// --- internal ---

function entry(manifest: Manifest, name: string) {
  return manifest.files[name] as { bytes: number; sha256: string }
}

async function checkListed(dir: string, name: string, manifest: Manifest, file: string): Promise<void> {
  const stat = await lstat(join(dir, name)).catch(() => null)
  if (!stat) throw corrupt(file, 'is missing')
  if (!stat.isFile())
    throw corrupt(
      file,
      stat.isSymbolicLink() ? 'is a symbolic link; checkpoint files must be regular files' : 'is not a regular file',
    )
  const want = entry(manifest, name).bytes
  if (stat.size !== want) throw corrupt(file, `is ${stat.size} bytes but the manifest says ${want}`)
}

async function readRegular(path: string, file: string): Promise<Buffer> {
  const stat = await lstat(path).catch(() => null)
  if (!stat) throw corrupt(file, 'is missing')
  if (!stat.isFile()) throw corrupt(file, 'is not a regular file')
  return readFile(path)
}

function checkDigest(bytes: Buffer, manifest: Manifest, name: string, file: string): void {
  const sha = createHash('sha256').update(bytes).digest('hex')
  const want = entry(manifest, name).sha256
  if (sha !== want) throw corrupt(file, `sha256 is ${sha} but the manifest says ${want}`)
}

function tensorsFor(
  names: string[],
  prefix: string,
  tensors: Map<string, LoadedTensor>,
  file: string,
): Record<string, TensorData> {
  const out: [string, TensorData][] = []
  for (const name of names) {
    const key = prefix + name
    const tensor = tensors.get(key)
    if (!tensor) throw corrupt(file, `has no tensor "${key}"`)
    out.push([name, { shape: tensor.shape, data: asFloat32(tensor, key, file) }])
  }
  // fromEntries defines own properties, so even a "__proto__" name stays a plain key.
  return Object.fromEntries(out)
}
