import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type BetterSqlite3 from 'better-sqlite3'
import type * as OnnxRuntime from 'onnxruntime-node'
import { errorMessage } from '../errors/user-error.ts'
import { MissingDependencyError, type MissingReason } from './missing-dependency-error.ts'
import { installCommand, OPTIONAL_DEPENDENCIES, type OptionalDependency } from './optional-dependencies.ts'
import { HIDDEN_MARKER } from './without-hook.mjs'

/** What `import()` of each optional dependency yields (CommonJS packages: `default` = module.exports). */
export interface OptionalModules {
  'better-sqlite3': { default: typeof BetterSqlite3 }
  'onnxruntime-node': typeof OnnxRuntime & { default: typeof OnnxRuntime }
  '@vitest/coverage-v8': typeof import('@vitest/coverage-v8')
}

/** What `require()` of each CommonJS optional dependency yields. */
export interface RequiredModules {
  'better-sqlite3': typeof BetterSqlite3
  'onnxruntime-node': typeof OnnxRuntime
}

/**
 * Imports an optional dependency. Absent (or hidden by the drift matrix, or broken) → rejects
 * with MissingDependencyError carrying `npm i <pkg>@<pinned version>`; never a raw
 * ERR_MODULE_NOT_FOUND.
 */
export async function loadOptional<D extends OptionalDependency>(name: D): Promise<OptionalModules[D]> {
  try {
    return (await import(/* @vite-ignore */ name)) as OptionalModules[D]
  } catch (error) {
    throw dependencyError(name, error)
  }
}

/** `loadOptional` for synchronous callers (CommonJS packages only). Throws MissingDependencyError. */
export function requireOptional<D extends keyof RequiredModules>(name: D): RequiredModules[D] {
  try {
    return localRequire(name) as RequiredModules[D]
  } catch (error) {
    throw dependencyError(name, error)
  }
}

/**
 * better-sqlite3's native binary where its install puts it (`build/Release`, compiled or a
 * prebuild), for `new Database(path, { nativeBinding })`: the binary loads without the `bindings`
 * helper, which reads a stack trace to find the package and tries its candidate paths one by one
 * (3–5 ms of every process that opens the ledger, the commit hook's among them). Undefined where
 * the binary is elsewhere: better-sqlite3 searches as usual (and fails as usual when it is missing).
 */
export function sqliteBinding(): string | undefined {
  if (binding === null) {
    const dir = sqlitePackageDir()
    const file = dir === undefined ? undefined : join(dir, 'build', 'Release', 'better_sqlite3.node')
    binding = file !== undefined && existsSync(file) ? file : undefined
  }
  return binding
}

/**
 * The folder of the better-sqlite3 that `require` would load here (the drift hook honoured), or
 * undefined where it does not resolve.
 */
export function sqlitePackageDir(): string | undefined {
  if (packageDir === null) {
    try {
      packageDir = join(dirname(localRequire.resolve('better-sqlite3')), '..')
    } catch {
      packageDir = undefined
    }
  }
  return packageDir
}

let binding: string | undefined | null = null
let packageDir: string | undefined | null = null

/** Whether `name` resolves here (honours the drift hook); does not load it. */
export function isDependencyAvailable(name: OptionalDependency): boolean {
  return missingDependency(name) === null
}

/** Why `name` cannot be resolved, or null when it can. Does not load it. */
export function missingDependency(name: OptionalDependency): MissingDependencyError | null {
  try {
    localRequire.resolve(name)
    return null
  } catch (error) {
    return dependencyError(name, error)
  }
}

/** Turns a load failure of `name` into MissingDependencyError (kept as is if it already is one). */
export function dependencyError(name: OptionalDependency, error: unknown): MissingDependencyError {
  if (error instanceof MissingDependencyError) return error
  const reason = reasonFor(name, error)
  const remediation = reason === 'failed-to-load' ? rebuildCommand(name, error) : installCommand(name)
  return new MissingDependencyError(name, {
    reason,
    remediation,
    provides: OPTIONAL_DEPENDENCIES[name].provides,
    detail: firstLine(errorMessage(error)),
    cause: error,
  })
}

/**
 * True when `error` is a native module that could not be loaded: its binary never built (the
 * `bindings` helper's "Could not locate the bindings file", what npm 12's skipped install scripts
 * leave), or built for another Node.js or platform (ERR_DLOPEN_FAILED). A package loads its binary
 * lazily (better-sqlite3 on the first `new Database`), so this is asked of that call's error.
 */
export function isNativeLoadFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return code === 'ERR_DLOPEN_FAILED' || BINDING_NOT_BUILT.test(errorMessage(error))
}

// --- internal ---

/** The `bindings` package's message when no build of the binary exists. */
const BINDING_NOT_BUILT = /Could not locate the bindings file/

/** The fix for an installed package that fails to load: build its binary (allowed first, where npm skipped it). */
function rebuildCommand(name: string, error: unknown): string {
  if (BINDING_NOT_BUILT.test(errorMessage(error)))
    return `its native binary was never built (npm 12 and later skip a dependency's install script unless package.json's "allowScripts" allows it): \`npx codex-gates init\` allows and builds it, or run \`npm install-scripts approve ${name} && npm rebuild ${name}\``
  return `npm rebuild ${name} (or ${installCommand(name)})`
}

const localRequire = createRequire(import.meta.url)

function reasonFor(name: string, error: unknown): MissingReason {
  const code = (error as { code?: unknown } | null)?.code
  const message = firstLine(errorMessage(error))
  const notFound = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND'
  // A missing module *inside* the package (e.g. its `bindings` helper) means a broken install.
  if (!notFound || !(message.includes(`'${name}'`) || message.includes(`/node_modules/${name}/`)))
    return 'failed-to-load'
  return message.includes(HIDDEN_MARKER) ? 'hidden' : 'not-installed'
}

function firstLine(text: string): string {
  return (text.split('\n').find((l) => l.trim()) ?? text).trim()
}
