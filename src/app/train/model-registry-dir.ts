import { join } from 'node:path'
import { ModelRegistry } from '../../domain/pretrained/model-registry.ts'
import { setting } from '../../foundation/settings/settings.ts'

/** The registry's default folder, relative to the working directory. */
export const DEFAULT_REGISTRY_DIR = join('.codex', 'models')

/** The model registry: `--registry DIR`, else `CODEX_MODELS`, else `.codex/models/`. */
export function openModelRegistry(flag?: string, env: NodeJS.ProcessEnv = process.env): ModelRegistry {
  return new ModelRegistry(flag ?? setting('CODEX_MODELS', env) ?? DEFAULT_REGISTRY_DIR)
}
