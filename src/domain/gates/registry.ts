import type { Gate } from './gate.ts'
import type { GateName } from './gates-config.ts'

/**
 * Gates by name, loaded lazily so each gate worker imports only its own scanner. A new gate is
 * one scanner file, one line here, its defaults in gates-config.ts and its spec in gates/.
 */
export const GATES = {
  typecheck: () => import('./typecheck/typecheck.ts').then((m) => m.typecheckGate),
  lint: () => import('./lint/lint.ts').then((m) => m.lintGate),
  secrets: () => import('./secrets/secrets.ts').then((m) => m.secretsGate),
  'env-files': () => import('./env-files/env-files.ts').then((m) => m.envFilesGate),
  'docs-links': () => import('./docs-links/docs-links.ts').then((m) => m.docsLinksGate),
  integrity: () => import('./integrity/integrity.ts').then((m) => m.integrityGate),
  duplicates: () => import('./duplicates/duplicates.ts').then((m) => m.duplicatesGate),
  placeholders: () => import('./placeholders/placeholders.ts').then((m) => m.placeholdersGate),
  deps: () => import('./deps/deps.ts').then((m) => m.depsGate),
  toolchain: () => import('./toolchain/toolchain.ts').then((m) => m.toolchainGate),
  licenses: () => import('./licenses/licenses.ts').then((m) => m.licensesGate),
  'large-files': () => import('./large-files/large-files.ts').then((m) => m.largeFilesGate),
  layers: () => import('./layers/layers.ts').then((m) => m.layersGate),
  'python-deps': () => import('./python-deps/python-deps.ts').then((m) => m.pythonDepsGate),
  'notebook-outputs': () => import('./notebooks/notebook-outputs-gate.ts').then((m) => m.notebookOutputsGate),
  'python-lint': () => import('./python-lint/python-lint-gate.ts').then((m) => m.pythonLintGate),
  'python-types': () => import('./python-types/python-types-gate.ts').then((m) => m.pythonTypesGate),
} satisfies { [K in GateName]: () => Promise<Gate<K>> }

/**
 * One-time start-up costs a gate can pay ahead of its first scan (compiling a WebAssembly module,
 * say), each in a module of its own: the commit hook's worker starts them while git exports the
 * snapshot, without waiting for the gate's other modules to load.
 */
const WARM_UPS: { [K in GateName]?: () => Promise<void> } = {
  'python-lint': () => import('./python-lint/warm-up-ruff.ts').then((m) => m.warmUpRuff()),
}

/** Pays `name`'s start-up cost now (resolves at once for a gate that has none). */
export function warmUpGate(name: GateName): Promise<void> {
  return WARM_UPS[name]?.() ?? Promise.resolve()
}

/** Loads one gate's definition. */
export function loadGate<K extends GateName>(name: K): Promise<Gate<K>> {
  return (GATES[name] as () => Promise<Gate<K>>)()
}
