import type { CacheInputs } from '../gate.ts'
import { hasLayersRules, type LayersRules, resolveLayersConfig } from './layers-config.ts'
import { readTsAliases } from './read-ts-aliases.ts'
import { repoIndex } from './repo-index.ts'
import { sourceLanguage } from './source-language.ts'

/** The gate's config: its rules (LAYERS_DEFAULTS filled in) plus the settings every gate has. */
export type LayersGateConfig = Partial<LayersRules> & {
  enabled?: boolean
  timeout_ms?: number
  exclude?: string[]
  severity?: Record<string, 'error' | 'warn' | 'off'>
}

/**
 * The layers gate's skip reason and cache inputs, without the import graph's modules. The
 * scanner's own source is in every key already (the runner's scannerSourceHash covers
 * src/domain/gates/, this folder included).
 */
export const layersKey = {
  skipReason: (_root: string, _files: readonly string[], config: LayersGateConfig): string | undefined =>
    hasLayersRules(resolveLayersConfig(config))
      ? undefined
      : 'no rules configured: set gates.layers.layers, forbidden, independent or cycles in configs/gates.json',
  cacheInputs: (root: string, files: readonly string[], config: LayersGateConfig): CacheInputs => {
    const rules = resolveLayersConfig(config)
    const sources = files.filter((f) => sourceLanguage(f) !== undefined)
    const repo = repoIndex(root, files)
    const tsconfigs = readTsAliases(rules.tsconfig, repo.read)?.files ?? []
    return {
      // The rules are in the cache key already (the runner hashes the gate's config).
      contents: [...sources, ...tsconfigs, 'package.json'],
      // Resolution probes which files exist.
      listing: true,
    }
  },
}
