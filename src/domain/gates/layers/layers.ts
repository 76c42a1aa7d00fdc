import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Finding } from '../finding.ts'
import type { CacheInputs, ScanResult } from '../gate.ts'
import { buildImportGraph, type ImportGraph, sourceLanguage } from './build-import-graph.ts'
import { checkImportRules } from './check-import-rules.ts'
import { hasLayersRules, type LayersRules, resolveLayersConfig } from './layers-config.ts'
import { readTsAliases } from './read-ts-aliases.ts'
import { repoIndex } from './repo-index.ts'
import type { PackageInfo } from './resolve-js-import.ts'

/** The gate's config: its rules (LAYERS_DEFAULTS filled in) plus the settings every gate has. */
export type LayersGateConfig = Partial<LayersRules> & {
  enabled?: boolean
  timeout_ms?: number
  exclude?: string[]
  severity?: Record<string, 'error' | 'warn' | 'off'>
}

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
  skipReason: (_root, _files, config) =>
    hasLayersRules(resolveLayersConfig(config))
      ? undefined
      : 'no rules configured: set gates.layers.layers, forbidden, independent or cycles in configs/gates.json',
  cacheInputs: (root, files, config) => {
    const rules = resolveLayersConfig(config)
    const sources = files.filter((f) => sourceLanguage(f) !== undefined)
    const repo = repoIndex(root, files)
    const tsconfigs = readTsAliases(rules.tsconfig, repo.read)?.files ?? []
    return {
      // The rules are in the cache key already (the runner hashes the gate's config).
      contents: [...sources, ...tsconfigs, 'package.json'],
      // Resolution probes which files exist.
      listing: true,
      extra: { 'layers-scanner': scannerHash() },
    }
  },
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

let hash: string | undefined

/** sha256 of this folder's sources: the runner's scanner hash covers src/gates only. */
function scannerHash(): string {
  if (!hash) {
    const dir = fileURLToPath(new URL('.', import.meta.url))
    const h = createHash('sha256')
    for (const f of readdirSync(dir).sort()) {
      if (/\.[cm]?[jt]s$/.test(f)) h.update(f).update(readFileSync(join(dir, f)))
    }
    hash = h.digest('hex').slice(0, 16)
  }
  return hash
}
