import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import { compileFunction } from 'node:vm'

/** What `@astral-sh/ruff-wasm-nodejs` exports, as far as this gate uses it. */
export interface RuffModule {
  Workspace: {
    /** A `RuffWorkspace` (ruff-wasm.ts narrows it). */
    new (options: object, positionEncoding: number): object
    version(): string
  }
  PositionEncoding: { Utf16: number }
}

/** A compiled WebAssembly module (opaque here). */
export type CompiledModule = { readonly __compiledModule: unique symbol }

/**
 * Node's `WebAssembly`, as far as it is used here: TypeScript's ES library declares no value for
 * it (it comes with the DOM library, which this project does not load).
 */
export const webAssembly = (
  globalThis as unknown as {
    WebAssembly: {
      Module: new (bytes: Uint8Array) => CompiledModule
      compile(bytes: Uint8Array): Promise<CompiledModule>
    }
  }
).WebAssembly

/** Where the package keeps its WebAssembly (read by `compileRuff` without loading the glue). */
export function ruffWasmPath(): string {
  return `${dirname(gluePath())}/ruff_wasm_bg.wasm`
}

/**
 * Runs the package's JavaScript glue with `module` as its compiled WebAssembly. The glue reads and
 * compiles its 9.7 MB module synchronously (`new WebAssembly.Module(readFileSync(…))`) when it is
 * required; evaluated here with those lines swapped for the given module, a module compiled ahead
 * (asynchronously, off the calling thread) is used instead. Undefined when the glue no longer has
 * those lines (another package version): the caller then requires the package as it is.
 */
export function instantiateRuffGlue(module: CompiledModule): RuffModule | undefined {
  const path = gluePath()
  const source = readFileSync(path, 'utf8')
  if (!source.includes(GLUE_COMPILE)) return undefined
  const run = compileFunction(
    source.replace(GLUE_COMPILE, 'const wasmModule = __compiledRuff;'),
    ['exports', 'require', 'module', '__filename', '__dirname', '__compiledRuff'],
    { filename: path },
  )
  const exports = {}
  const holder = { exports }
  run.call(exports, exports, createRequire(path), holder, path, dirname(path), module)
  return holder.exports as RuffModule
}

/** The package as it ships: the glue compiles its module itself. */
export function requireRuff(): RuffModule {
  return createRequire(import.meta.url)('@astral-sh/ruff-wasm-nodejs') as RuffModule
}

// --- internal ---

/** The three lines of ruff_wasm.js (0.17.3, wasm-bindgen's nodejs target) that load the module. */
const GLUE_COMPILE = [
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the glue's own text, not a template
  'const wasmPath = `${__dirname}/ruff_wasm_bg.wasm`;',
  "const wasmBytes = require('fs').readFileSync(wasmPath);",
  'const wasmModule = new WebAssembly.Module(wasmBytes);',
].join('\n')

function gluePath(): string {
  return createRequire(import.meta.url).resolve('@astral-sh/ruff-wasm-nodejs')
}
