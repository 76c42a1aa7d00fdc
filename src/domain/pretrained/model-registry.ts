import { randomBytes } from 'node:crypto'
import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { UserError } from '../../foundation/errors/user-error.ts'
import { hashFile } from '../../foundation/fs/hash-file.ts'
import { fsyncDir, writeFileAtomic } from '../../foundation/fs/write-file-atomic.ts'
import { canonicalJson, sha256Hex } from '../../foundation/json/canonical-json.ts'
import { weightsDigest } from '../train/init-weights.ts'
import { countParams, type GptConfig } from '../train/model/gpt.ts'
import { type FileDigest, HF_FILES, type HfModel, readHfFolder } from './hf-folder.ts'
import { decodeModelManifest, encodeModelManifest, MODEL_MANIFEST, type ModelManifest } from './registry-manifest.ts'

/** Files kept beside the weights when a folder is registered, so the model stays usable from Python. */
export const COMPANION_FILES: readonly string[] = [
  'generation_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'vocab.json',
  'merges.txt',
  'special_tokens_map.json',
]

/** A registry name: a letter or digit, then letters, digits, `.`, `_` or `-` (it names a folder). */
export const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/

/** One model folder of the registry as listed: its manifest, or why it cannot be used. */
export interface RegistryEntry {
  name: string
  path: string
  manifest?: ModelManifest
  /** What is wrong, each naming the file (empty when nothing is). */
  problems: string[]
  /** The command or step that repairs it (when there are problems). */
  fix?: string
}

/** A registered model, read and verified. */
export interface RegisteredModel extends HfModel {
  manifest: ModelManifest
}

/**
 * The local model registry: one folder per model under `dir` (default `.codex/models/`), each
 * with its files and a `manifest.json` (source, layout, sha256 per file, parameter count, config
 * hash). Registration copies into a temp folder and renames it into place, so a model is either
 * fully there or absent.
 */
export class ModelRegistry {
  readonly dir: string

  constructor(dir: string) {
    this.dir = resolve(dir)
  }

  /** Every model folder by name, with a quick check (manifest readable, each file present at its size). */
  list(): RegistryEntry[] {
    if (!existsSync(this.dir)) return []
    return readdirSync(this.dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => this.entry(e.name, false))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }

  /** True when a folder of that name is registered (damaged or not). */
  has(name: string): boolean {
    return MODEL_NAME.test(name) && existsSync(join(this.dir, name))
  }

  /**
   * Reads and checks `source` (a Hugging Face GPT-2 folder) fully, then registers a copy as
   * `name` (default: the folder's name). An existing name is refused unless `replace`.
   */
  async add(source: string, options: { name?: string; replace?: boolean } = {}): Promise<ModelManifest> {
    const model = await readHfFolder(source)
    const name = options.name ?? resolve(source).split('/').pop() ?? ''
    checkName(name)
    const target = join(this.dir, name)
    if (existsSync(target) && !options.replace) {
      throw new UserError(
        'REGISTRY_EXISTS',
        `a model named ${name} is already registered (${target})`,
        `pass --replace to register this folder in its place, or --name <other>`,
      )
    }
    mkdirSync(this.dir, { recursive: true })
    const temp = join(this.dir, `.${name}.tmp-${randomBytes(6).toString('hex')}`)
    mkdirSync(temp)
    try {
      const files: Record<string, FileDigest> = {}
      for (const file of [HF_FILES.config, HF_FILES.weights, ...COMPANION_FILES]) {
        const from = join(source, file)
        if (!existsSync(from) || !lstatSync(from).isFile()) continue
        copyFileSync(from, join(temp, file))
        files[file] = await hashFile(join(temp, file), file)
        const read = model.files[file]
        if (read && read.sha256 !== files[file].sha256) {
          throw new UserError(
            'REGISTRY_SOURCE_CHANGED',
            `${from} changed while it was being registered`,
            'register it again once nothing writes to it',
          )
        }
      }
      const manifest = manifestOf(name, resolve(source), model.gpt, model.params, files)
      writeFileAtomic(join(temp, MODEL_MANIFEST), encodeModelManifest(manifest))
      fsyncDir(temp)
      const old = existsSync(target)
        ? join(this.dir, `.${name}.tmp-replaced-${randomBytes(6).toString('hex')}`)
        : undefined
      if (old) renameSync(target, old)
      renameSync(temp, target)
      fsyncDir(this.dir)
      if (old) rmSync(old, { recursive: true, force: true })
      return manifest
    } catch (error) {
      rmSync(temp, { recursive: true, force: true })
      throw error
    }
  }

  /** Re-hashes every file of the named models (all when `names` is empty): damaged or missing ones are named with the fix. */
  async verify(names: readonly string[] = []): Promise<RegistryEntry[]> {
    const chosen = names.length > 0 ? names.map((n) => this.known(n)) : this.list().map((e) => e.name)
    const out: RegistryEntry[] = []
    for (const name of chosen) {
      const entry = this.entry(name, false)
      if (entry.manifest) {
        for (const [file, want] of Object.entries(entry.manifest.files)) {
          const path = join(entry.path, file)
          if (!existsSync(path) || entry.problems.some((p) => p.startsWith(`${file} `))) continue
          const got = await hashFile(path, file)
          if (got.sha256 !== want.sha256)
            entry.problems.push(
              `${file} sha256 is ${got.sha256.slice(0, 12)}… but the manifest says ${want.sha256.slice(0, 12)}…`,
            )
        }
      }
      out.push(withFix(entry))
    }
    return out
  }

  /** Reads the named model, its files checked against the manifest as they are read. */
  async load(name: string): Promise<RegisteredModel> {
    const entry = withFix(this.entry(this.known(name), true))
    if (!entry.manifest || entry.problems.length > 0) {
      throw new UserError(
        'REGISTRY_DAMAGED',
        `registry model ${name} (${entry.path}): ${entry.problems.join('; ')}`,
        entry.fix,
      )
    }
    try {
      return { ...(await readHfFolder(entry.path, entry.manifest.files)), manifest: entry.manifest }
    } catch (error) {
      if (error instanceof UserError && error.code === 'SAFETENSORS_INVALID') {
        throw new UserError(
          'REGISTRY_DAMAGED',
          `registry model ${name}: ${error.message}`,
          withFix({ ...entry, problems: [error.message] }).fix,
        )
      }
      throw error
    }
  }

  // --- internal ---

  private known(name: string): string {
    if (this.has(name)) return name
    const names = this.list().map((e) => e.name)
    throw new UserError(
      'REGISTRY_UNKNOWN',
      `no model named ${name} in the registry ${this.dir}`,
      names.length > 0 ? `registered: ${names.join(', ')}` : 'register one with npm run train -- registry add <folder>',
    )
  }

  private entry(name: string, strict: boolean): RegistryEntry {
    const path = join(this.dir, name)
    const entry: RegistryEntry = { name, path, problems: [] }
    const manifestPath = join(path, MODEL_MANIFEST)
    if (!existsSync(manifestPath)) {
      entry.problems.push(`${MODEL_MANIFEST} is missing`)
      return entry
    }
    try {
      entry.manifest = decodeModelManifest(readFileSync(manifestPath, 'utf8'), manifestPath)
    } catch (error) {
      if (!(error instanceof UserError) || strict) throw error
      entry.problems.push(error.message.replace(`${manifestPath} `, `${MODEL_MANIFEST} `))
      return entry
    }
    if (entry.manifest.name !== name) entry.problems.push(`${MODEL_MANIFEST} names ${entry.manifest.name}, not ${name}`)
    for (const [file, want] of Object.entries(entry.manifest.files)) {
      const stat = existsSync(join(path, file)) ? lstatSync(join(path, file)) : undefined
      if (!stat) entry.problems.push(`${file} is missing`)
      else if (!stat.isFile()) entry.problems.push(`${file} is not a regular file`)
      else if (stat.size !== want.bytes)
        entry.problems.push(`${file} is ${stat.size} bytes but the manifest says ${want.bytes}`)
    }
    return entry
  }
}

/** The architecture's identity: sha256 of its canonical JSON. */
export function gptConfigSha256(gpt: GptConfig): string {
  const { vocab_size, block_size, n_layer, n_head, n_embd, bias } = gpt
  return sha256Hex(canonicalJson({ vocab_size, block_size, n_layer, n_head, n_embd, bias }))
}

// --- internal ---

function checkName(name: string): void {
  if (!MODEL_NAME.test(name) || name.includes('.tmp-')) {
    throw new UserError(
      'REGISTRY_NAME',
      `"${name}" cannot name a registry model: letters, digits, ".", "_" and "-" only, starting with a letter or digit`,
      'pass --name <name>, e.g. --name gpt2-small',
    )
  }
}

function manifestOf(
  name: string,
  source: string,
  gpt: GptConfig,
  params: HfModel['params'],
  files: Record<string, FileDigest>,
): ModelManifest {
  return {
    name,
    layout: 'hf-gpt2',
    source,
    added_at: new Date().toISOString(),
    files,
    parameters: countParams(gpt, false),
    config_sha256: gptConfigSha256(gpt),
    weights_digest: weightsDigest(params),
    model: {
      vocab_size: gpt.vocab_size,
      block_size: gpt.block_size,
      n_layer: gpt.n_layer,
      n_head: gpt.n_head,
      n_embd: gpt.n_embd,
    },
  }
}

function withFix(entry: RegistryEntry): RegistryEntry {
  if (entry.problems.length === 0) return entry
  const source = entry.manifest?.source
  const fix =
    source && existsSync(join(source, HF_FILES.weights))
      ? `register it again from its source: npm run train -- registry add ${source} --name ${entry.name} --replace`
      : `its source folder is gone: remove ${entry.path} and register the model again from a copy (npm run train -- registry add <folder> --name ${entry.name})`
  return { ...entry, fix }
}
