import { existsSync } from 'node:fs'
import { UserError } from '../../foundation/errors/user-error.ts'
import { type HfModel, OFFLINE_HINT, readHfFolder } from './hf-folder.ts'
import type { ModelRegistry } from './model-registry.ts'

/** Forces a registry name even where a folder of that name exists. */
export const REGISTRY_PREFIX = 'registry:'

/** Where a pretrained model comes from once `init_from` is resolved. */
export type PretrainedSource = { kind: 'folder'; dir: string } | { kind: 'registry'; name: string }

/** A pretrained model read from its source, with what names it. */
export interface PretrainedModel extends HfModel {
  /** As given (`init_from`, `--checkpoint`, …). */
  spec: string
  /** The registry name, when it came from the registry. */
  registryName?: string
}

/**
 * Resolves `spec`: `registry:<name>` is a registry model; else an existing folder wins; else a
 * registry model of that name. Anything else (a Hub name like `gpt2` or `openai-community/gpt2`)
 * is refused: nothing is ever downloaded.
 */
export function resolvePretrained(spec: string, registry: ModelRegistry, flag = '--init-from'): PretrainedSource {
  if (spec.startsWith(REGISTRY_PREFIX)) {
    const name = spec.slice(REGISTRY_PREFIX.length)
    if (!registry.has(name)) throw notFound(spec, flag, registry, `no model named ${name} in the registry`)
    return { kind: 'registry', name }
  }
  if (existsSync(spec)) return { kind: 'folder', dir: spec }
  if (registry.has(spec)) return { kind: 'registry', name: spec }
  throw notFound(spec, flag, registry, `${spec} is neither a folder nor a registry model`)
}

/** Reads the pretrained model `spec` names (see `resolvePretrained`), verified against its registry manifest if it has one. */
export async function loadPretrained(
  spec: string,
  registry: ModelRegistry,
  flag = '--init-from',
): Promise<PretrainedModel> {
  const source = resolvePretrained(spec, registry, flag)
  if (source.kind === 'folder') return { ...(await readHfFolder(source.dir)), spec }
  const model = await registry.load(source.name)
  return { ...model, spec, registryName: source.name }
}

// --- internal ---

function notFound(spec: string, flag: string, registry: ModelRegistry, fault: string): UserError {
  const hub = /^[A-Za-z0-9][\w.-]*(\/[\w.-]+)?$/.test(spec) && !spec.startsWith(REGISTRY_PREFIX)
  return new UserError(
    'PRETRAINED_NOT_FOUND',
    `${flag} ${spec}: ${fault} (registry: ${registry.dir})${hub ? `; a Hugging Face Hub name is not fetched` : ''}`,
    OFFLINE_HINT,
  )
}
