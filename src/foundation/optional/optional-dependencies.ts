import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { PACKAGE_ROOT } from '../fs/package-root.ts'

/**
 * The optional dependencies, by package name: code loads them only through
 * `optional-import.ts`, and the drift matrix (configs/drift.json) runs the suite without each.
 */
export const OPTIONAL_DEPENDENCIES = {
  'better-sqlite3': {
    install: 'prod',
    provides: 'the SQLite session ledger; without it the reporter records to .codex/ledger-fallback.ndjson',
  },
  'onnxruntime-node': {
    install: 'prod',
    provides: 'the ort-cpu and ort-webgpu training backends; the ts backend needs nothing',
  },
  '@vitest/coverage-v8': {
    install: 'dev',
    provides: 'coverage collection; without it runs complete and the coverage gate reports skipped',
  },
} as const satisfies Record<string, { provides: string; install: 'dev' | 'prod' }>

export type OptionalDependency = keyof typeof OPTIONAL_DEPENDENCIES

/** True for a name in OPTIONAL_DEPENDENCIES. */
export function isOptionalDependency(name: string): name is OptionalDependency {
  return Object.hasOwn(OPTIONAL_DEPENDENCIES, name)
}

export interface DeclaredPin {
  /** The version package.json pins (exact pins, so it is the one `npm ci` installs). */
  version: string | null
  dev: boolean
}

/** How package.json declares `name`; version null when it does not. */
export function declaredPin(name: string, packageJsonPath: string | URL = PACKAGE_JSON): DeclaredPin {
  const manifest = readManifest(packageJsonPath)
  const prod = manifest.dependencies?.[name] ?? manifest.optionalDependencies?.[name]
  if (prod) return { version: prod, dev: false }
  const dev = manifest.devDependencies?.[name]
  // An optional peer (installed by whoever uses the feature): pinned by our dev copy where there is one,
  // installed as its declaration in OPTIONAL_DEPENDENCIES says.
  const peer = manifest.peerDependencies?.[name]
  if (peer !== undefined && isOptionalDependency(name))
    return { version: dev ?? peer, dev: OPTIONAL_DEPENDENCIES[name].install === 'dev' }
  return { version: dev ?? null, dev: dev !== undefined }
}

/** The install command that restores `name` at its pinned version: `npm i -D @vitest/coverage-v8@4.1.12`. */
export function installCommand(name: string, packageJsonPath: string | URL = PACKAGE_JSON): string {
  const pin = declaredPin(name, packageJsonPath)
  return `npm i${pin.dev ? ' -D' : ''} ${name}${pin.version ? `@${pin.version}` : ''}`
}

// --- internal ---

const PACKAGE_JSON = join(PACKAGE_ROOT, 'package.json')

interface Manifest {
  peerDependencies?: Record<string, string>
  dependencies?: Record<string, string>
  devDependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
}

const manifests = new Map<string, Manifest>()

function readManifest(path: string | URL): Manifest {
  const key = String(path)
  let manifest = manifests.get(key)
  if (!manifest) {
    try {
      manifest = JSON.parse(readFileSync(path, 'utf8')) as Manifest
    } catch {
      manifest = {} // no readable manifest: the remediation falls back to the bare package name
    }
    manifests.set(key, manifest)
  }
  return manifest
}
