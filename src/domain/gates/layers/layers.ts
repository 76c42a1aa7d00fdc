import type { Finding } from '../finding.ts'
import type { CacheInputs, ScanResult } from '../gate.ts'
import { buildImportGraph, type ImportGraph } from './build-import-graph.ts'
import { checkImportRules } from './check-import-rules.ts'
import { type LayersRules, resolveLayersConfig } from './layers-config.ts'
import { type LayersGateConfig, layersKey } from './layers-key.ts'
import { readTsAliases } from './read-ts-aliases.ts'
import { repoIndex } from './repo-index.ts'
import type { PackageInfo } from './resolve-js-import.ts'
import { sourceLanguage } from './source-language.ts'

export type { LayersGateConfig }

/**
 * The shape of `Gate<'layers'>` (src/gates/gate.ts). Spelled out because `layers` is not a
 * GateName until the registry and GATE_DEFAULTS list it; a Gate<'layers'> accepts this object.
 */
export interface LayersGate {
  name: 'layers'
  description: string
  skipReason(root: string, files: readonly string[], config: LayersGateConfig): string | undefined
  cacheInputs(root: string, files: readonly string[], config: LayersGateConfig): CacheInputs
  scan(root: string, files: readonly string[], config: LayersGateConfig): ScanResult
}

/** Scans the TS/JS/Python sources among `files` and checks the layer rules on their import graph. */
export function scanLayers(root: string, files: readonly string[], config: LayersGateConfig): { findings: Finding[] } {
  const rules = resolveLayersConfig(config)
  const graph = layersGraph(root, files, rules)
  return { findings: checkImportRules(graph, rules) }
}

/** The import graph the gate checks: sources read from `root`, aliases from its tsconfig and package.json. */
export function layersGraph(root: string, files: readonly string[], rules: LayersRules): ImportGraph {
  const repo = repoIndex(root, files)
  const sources: { path: string; text: string }[] = []
  let js = false
  for (const path of files) {
    const lang = sourceLanguage(path)
    if (!lang) continue
    const text = repo.read(path)
    if (text === undefined) continue
    js ||= lang === 'js'
    sources.push({ path, text })
  }
  const aliases = js ? readTsAliases(rules.tsconfig, repo.read) : undefined
  return buildImportGraph(sources, repo, { pythonRoots: rules.python_roots, aliases, pkg: packageInfo(repo.read) })
}

export const layersGate: LayersGate = {
  name: 'layers',
  description: 'import boundaries (TS/JS, Python): layers, forbidden imports, independent modules, cycles',
  ...layersKey,
  scan: scanLayers,
}

// --- internal ---

function packageInfo(read: (path: string) => string | undefined): PackageInfo | undefined {
  const text = read('package.json')
  if (text === undefined) return undefined
  try {
    const json = JSON.parse(text) as PackageInfo
    return typeof json === 'object' && json !== null ? json : undefined
  } catch {
    // A broken package.json is the deps gate's finding; resolution goes on without it.
    return undefined
  }
}
