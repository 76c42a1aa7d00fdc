import type { Gate } from './gate.ts'
import type { GateName } from './gates-config.ts'

/**
 * What decides whether a gate applies and what its result-cache key covers: the gate's
 * `skipReason` and `cacheInputs`, the same functions its Gate object carries. `cacheInputs` may
 * answer later (a gate whose inputs need its heavier modules loads them only when it applies).
 */
export type GateKey<K extends GateName = GateName> = Pick<Gate<K>, 'skipReason'> & {
  cacheInputs?(
    ...args: Parameters<NonNullable<Gate<K>['cacheInputs']>>
  ): ReturnType<NonNullable<Gate<K>['cacheInputs']>> | Promise<ReturnType<NonNullable<Gate<K>['cacheInputs']>>>
}

/**
 * Each gate's key side, loaded lazily: what a warm `codex-gates run` needs to know that a gate's
 * result can be reused, without importing its scanner (for most gates the scanner's modules are
 * most of the gate: rules, parsers, the import graph). A gate whose module is small anyway
 * answers with its Gate object.
 */
export const GATE_KEYS = {
  typecheck: () => import('./typecheck/typecheck.ts').then((m) => m.typecheckKey),
  lint: () => import('./lint/lint.ts').then((m) => m.lintGate),
  secrets: () => import('./secrets/secrets-key.ts').then((m) => m.secretsKey),
  'env-files': () => import('./env-files/env-files.ts').then((m) => m.envFilesGate),
  'docs-links': () => import('./docs-links/docs-links-key.ts').then((m) => m.docsLinksKey),
  integrity: () => import('./integrity/integrity.ts').then((m) => m.integrityGate),
  duplicates: () => import('./duplicates/duplicates.ts').then((m) => m.duplicatesGate),
  placeholders: () => import('./placeholders/placeholders-key.ts').then((m) => m.placeholdersKey),
  deps: () => import('./deps/deps.ts').then((m) => m.depsGate),
  toolchain: () => import('./toolchain/toolchain.ts').then((m) => m.toolchainGate),
  licenses: () => import('./licenses/licenses.ts').then((m) => m.licensesGate),
  'large-files': () => import('./large-files/large-files.ts').then((m) => m.largeFilesGate),
  layers: () => import('./layers/layers-key.ts').then((m) => m.layersKey),
  'python-deps': () => import('./python-deps/python-deps-key.ts').then((m) => m.pythonDepsKey),
  'notebook-outputs': () => import('./notebooks/notebook-outputs-key.ts').then((m) => m.notebookOutputsKey),
  'python-lint': () => import('./python-lint/python-lint-gate.ts').then((m) => m.pythonLintGate),
  'python-types': () => import('./python-types/python-types-gate.ts').then((m) => m.pythonTypesGate),
} satisfies { [K in GateName]: () => Promise<GateKey<K>> }

/** Loads one gate's key side. */
export function loadGateKey<K extends GateName>(name: K): Promise<GateKey<K>> {
  return (GATE_KEYS[name] as () => Promise<GateKey<K>>)()
}
