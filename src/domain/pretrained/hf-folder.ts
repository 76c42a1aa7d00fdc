import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { UserError } from '../../foundation/errors/user-error.ts'
import { fsyncDir, writeFileAtomic } from '../../foundation/fs/write-file-atomic.ts'
import { sha256Hex } from '../../foundation/json/canonical-json.ts'
import { readSafetensors } from '../checkpoint/read-safetensors.ts'
import { writeSafetensors } from '../checkpoint/write-safetensors.ts'
import type { GptConfig } from '../train/model/gpt.ts'
import type { TensorData } from '../train/train-state.ts'
import { hfGpt2Config, parseHfGpt2Config } from './hf-gpt2-config.ts'
import { fromHfTensors, toHfTensors } from './hf-gpt2-weights.ts'

/** The two files of a model folder in Hugging Face's layout. */
export const HF_FILES = { config: 'config.json', weights: 'model.safetensors' } as const

/** Size and sha256 of one file. */
export interface FileDigest {
  bytes: number
  sha256: string
}

/** A GPT read from a Hugging Face GPT-2 folder, in nanoGPT's layout. */
export interface HfModel {
  dir: string
  gpt: GptConfig
  params: Record<string, TensorData>
  /** config.json as read: its keys that do not describe the architecture (token ids, …) are kept on export. */
  configJson: Record<string, unknown>
  /** config.json and model.safetensors as read. */
  files: Record<string, FileDigest>
}

/** Where a folder's files are meant to be, for the hints: nothing is ever downloaded. */
export const OFFLINE_HINT =
  'codex-gates never downloads: put config.json and model.safetensors in a local folder (e.g. on a machine with network: `huggingface-cli download gpt2 config.json model.safetensors --local-dir models/gpt2`), then pass that folder or `npm run train -- registry add models/gpt2`'

/**
 * Reads `dir` (config.json + model.safetensors, Hugging Face's GPT-2 layout) into nanoGPT's
 * layout: the config checked for anything the GPT cannot compute, every tensor checked against
 * it. `expected` digests (from a registry manifest) are compared as the files are read.
 */
export async function readHfFolder(dir: string, expected: Record<string, FileDigest> = {}): Promise<HfModel> {
  checkFolder(dir)
  const configPath = join(dir, HF_FILES.config)
  const configBytes = readFileSync(configPath)
  const configDigest = { bytes: configBytes.length, sha256: sha256Hex(configBytes) }
  checkDigest(configPath, configDigest, expected[HF_FILES.config])
  let raw: unknown
  try {
    raw = JSON.parse(configBytes.toString('utf8'))
  } catch (error) {
    throw new UserError(
      'PRETRAINED_CONFIG',
      `${configPath} is not valid JSON: ${(error as Error).message}`,
      'restore the config.json transformers wrote',
    )
  }
  const gpt = parseHfGpt2Config(raw, configPath)
  const weightsPath = join(dir, HF_FILES.weights)
  const want = expected[HF_FILES.weights]
  const file = await readSafetensors(weightsPath, want ? { sha256: want.sha256 } : {})
  return {
    dir,
    gpt,
    params: fromHfTensors(file.tensors, gpt, weightsPath),
    configJson: raw as Record<string, unknown>,
    files: { [HF_FILES.config]: configDigest, [HF_FILES.weights]: { bytes: file.bytes, sha256: file.sha256 } },
  }
}

/**
 * Writes a GPT as a Hugging Face GPT-2 folder (`config.json`, `model.safetensors` with
 * `{"format": "pt"}` metadata) that `GPT2LMHeadModel.from_pretrained(dir)` loads. Written into a
 * temp folder beside `dir`, then renamed: `dir` must not exist yet (or be empty).
 */
export async function writeHfFolder(
  dir: string,
  gpt: GptConfig,
  params: Readonly<Record<string, TensorData>>,
  extraConfig: Readonly<Record<string, unknown>> = {},
): Promise<Record<string, FileDigest>> {
  checkOutFolder(dir)
  const temp = join(dirname(dir), `.${basename(dir)}.tmp-${randomBytes(6).toString('hex')}`)
  mkdirSync(temp)
  try {
    const config = Buffer.from(`${JSON.stringify(hfGpt2Config(gpt, extraConfig), null, 2)}\n`)
    writeFileAtomic(join(temp, HF_FILES.config), config)
    const weights = await writeSafetensors(join(temp, HF_FILES.weights), toHfTensors(params, gpt), { format: 'pt' })
    fsyncDir(temp)
    if (existsSync(dir)) rmSync(dir, { recursive: true })
    renameSync(temp, dir)
    fsyncDir(dirname(dir))
    return { [HF_FILES.config]: { bytes: config.length, sha256: sha256Hex(config) }, [HF_FILES.weights]: weights }
  } catch (error) {
    rmSync(temp, { recursive: true, force: true })
    throw error
  }
}

/** Refuses an output folder that already holds files (nothing is overwritten) or whose parent is missing. */
export function checkOutFolder(dir: string): void {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory())
      throw new UserError('BAD_FLAG', `--out ${dir} is a file; it takes a folder`, 'pick a new folder name')
    if (readdirSync(dir).length > 0) {
      throw new UserError('BAD_FLAG', `--out ${dir} already holds files`, 'pick a new folder, or remove this one first')
    }
  } else if (!existsSync(dirname(dir))) {
    throw new UserError(
      'BAD_FLAG',
      `--out ${dir}: the folder ${dirname(dir)} does not exist`,
      `create it first (mkdir -p ${dirname(dir)})`,
    )
  }
}

// --- internal ---

function checkFolder(dir: string): void {
  if (!existsSync(dir)) throw new UserError('PRETRAINED_NOT_FOUND', `${dir} does not exist`, OFFLINE_HINT)
  if (!statSync(dir).isDirectory()) {
    throw new UserError('PRETRAINED_NOT_FOUND', `${dir} is a file; a pretrained model is a folder`, OFFLINE_HINT)
  }
  const has = (name: string) => existsSync(join(dir, name))
  if (!has(HF_FILES.config)) {
    throw new UserError('PRETRAINED_NOT_FOUND', `${dir} has no ${HF_FILES.config}`, OFFLINE_HINT)
  }
  if (has(HF_FILES.weights)) return
  if (has('model.safetensors.index.json')) {
    throw new UserError(
      'PRETRAINED_WEIGHTS',
      `${dir} holds a sharded checkpoint (model.safetensors.index.json); only one model.safetensors is read`,
      'save it unsharded: model.save_pretrained(dir, max_shard_size="100GB")',
    )
  }
  const bin = has('pytorch_model.bin')
  throw new UserError(
    'PRETRAINED_NOT_FOUND',
    `${dir} has no ${HF_FILES.weights}${bin ? ' (only pytorch_model.bin, a pickle, which is never loaded)' : ''}`,
    bin
      ? 'convert it where torch is installed: GPT2LMHeadModel.from_pretrained(dir).save_pretrained(dir, safe_serialization=True)'
      : OFFLINE_HINT,
  )
}

function checkDigest(path: string, got: FileDigest, want: FileDigest | undefined): void {
  if (want && want.sha256 !== got.sha256) {
    throw new UserError(
      'SAFETENSORS_INVALID',
      `${path}: sha256 is ${got.sha256} but the manifest says ${want.sha256}`,
      'the file changed since it was registered: run `npm run train -- registry verify`',
    )
  }
}
