import { UserError } from '../../foundation/errors/user-error.ts'
import type { FileDigest } from './hf-folder.ts'

/** The file in each registry model folder that describes it. */
export const MODEL_MANIFEST = 'manifest.json'
export const MODEL_MANIFEST_FORMAT = 'codex-gates-model'
export const MODEL_MANIFEST_VERSION = 1

/** Layouts a registry model may be stored in. */
export type ModelLayout = 'hf-gpt2'

/** One registered model: where it came from, what it is, and a digest per file. */
export interface ModelManifest {
  name: string
  layout: ModelLayout
  /** The folder it was registered from (absolute). */
  source: string
  added_at: string
  /** Every stored file but the manifest, with its size and sha256. */
  files: Record<string, FileDigest>
  /** Parameters, tied lm_head counted once. */
  parameters: number
  /** sha256 of the canonical JSON of the architecture (vocab_size, block_size, n_layer, n_head, n_embd, bias). */
  config_sha256: string
  /** sha256 over the tensors in nanoGPT's layout (`weightsDigest`): what a LoRA run records as its base. */
  weights_digest: string
  model: { vocab_size: number; block_size: number; n_layer: number; n_head: number; n_embd: number }
}

/** The manifest's text: fixed key order, 2-space indent, trailing newline. */
export function encodeModelManifest(m: ModelManifest): string {
  const body = { format: MODEL_MANIFEST_FORMAT, format_version: MODEL_MANIFEST_VERSION, ...m }
  return `${JSON.stringify(body, null, 2)}\n`
}

/** Parses a manifest; a fault names the file and the field, with the fix. */
export function decodeModelManifest(text: string, file: string): ModelManifest {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (error) {
    throw damaged(file, `is not valid JSON: ${(error as Error).message}`)
  }
  const o = object(raw, file, '(root)')
  if (o.format !== MODEL_MANIFEST_FORMAT)
    throw damaged(file, `format is ${JSON.stringify(o.format)}, expected "${MODEL_MANIFEST_FORMAT}"`)
  if (o.format_version !== MODEL_MANIFEST_VERSION) {
    throw damaged(file, `format_version ${JSON.stringify(o.format_version)} is not ${MODEL_MANIFEST_VERSION}`)
  }
  if (o.layout !== 'hf-gpt2') throw damaged(file, `layout ${JSON.stringify(o.layout)} is not "hf-gpt2"`)
  const files: Record<string, FileDigest> = {}
  for (const [name, value] of Object.entries(object(o.files, file, 'files'))) {
    const f = object(value, file, `files.${name}`)
    files[name] = {
      bytes: int(f.bytes, file, `files.${name}.bytes`),
      sha256: hex(f.sha256, file, `files.${name}.sha256`),
    }
  }
  const model = object(o.model, file, 'model')
  return {
    name: str(o.name, file, 'name'),
    layout: 'hf-gpt2',
    source: str(o.source, file, 'source'),
    added_at: str(o.added_at, file, 'added_at'),
    files,
    parameters: int(o.parameters, file, 'parameters'),
    config_sha256: hex(o.config_sha256, file, 'config_sha256'),
    weights_digest: hex(o.weights_digest, file, 'weights_digest'),
    model: {
      vocab_size: int(model.vocab_size, file, 'model.vocab_size'),
      block_size: int(model.block_size, file, 'model.block_size'),
      n_layer: int(model.n_layer, file, 'model.n_layer'),
      n_head: int(model.n_head, file, 'model.n_head'),
      n_embd: int(model.n_embd, file, 'model.n_embd'),
    },
  }
}

// --- internal ---

function damaged(file: string, fault: string): UserError {
  return new UserError(
    'REGISTRY_DAMAGED',
    `${file} ${fault}`,
    'register the model again: npm run train -- registry add <folder> --name <name> --replace',
  )
}

function object(value: unknown, file: string, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw damaged(file, `${field} must be an object`)
  return value as Record<string, unknown>
}

function str(value: unknown, file: string, field: string): string {
  if (typeof value !== 'string') throw damaged(file, `${field} must be a string`)
  return value
}

function hex(value: unknown, file: string, field: string): string {
  if (typeof value !== 'string' || !/^[0-9a-f]{64}$/.test(value))
    throw damaged(file, `${field} must be a sha256 (64 hex digits)`)
  return value
}

function int(value: unknown, file: string, field: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0)
    throw damaged(file, `${field} must be a non-negative integer`)
  return value as number
}
