import { promises as fsPromises, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { availableParallelism } from 'node:os'
import type * as V8 from 'node:v8'
import { lazyBuiltin } from '../../../foundation/lazy/lazy-builtin.ts'
import {
  type CompiledModule,
  instantiateRuffGlue,
  type RuffModule,
  requireRuff,
  ruffWasmPath,
  webAssembly,
} from './ruff-glue.ts'

/** One ruff diagnostic as `Workspace.check` returns it (see the package's `ruff_wasm.d.ts`). */
export interface RuffDiagnostic {
  code: string | null
  message: string
  start_location: { row: number; column: number }
  end_location: { row: number; column: number }
  fix: { message: string | null; edits: unknown[] } | null
  subDiagnostics?: { severity: string; message: string }[]
}

/** The slice of `@astral-sh/ruff-wasm-nodejs`'s `Workspace` this gate uses. */
export interface RuffWorkspace {
  check(contents: string): RuffDiagnostic[]
  format(contents: string): string
  /** The AST in Rust's pretty `Debug` form (python-ast-check reads it). */
  parse(contents: string): string
}

/**
 * Where ruff's start went (ms; the bench and the probe read it): `compileMs` reading and compiling
 * the module (on this thread when `loadRuff` had to, else the wait for `compileRuff`'s promise is
 * not counted here), `instantiateMs` the glue with its instance, `loadMs` both as `loadRuff` saw
 * them, `built`/`buildMs` the Workspaces built and their time.
 */
export const workspaceStats = { built: 0, buildMs: 0, loadMs: 0, compileMs: 0, instantiateMs: 0, ahead: false }

/** How V8 compiles ruff's WebAssembly: see `loadRuff` for why Liftoff alone is the default. */
export interface RuffEngine {
  /** `liftoff`: the baseline compiler only (default). `default`: V8's usual tier-up to TurboFan. */
  tiering: 'liftoff' | 'default'
  /**
   * Validate each function when it is first compiled, not the whole module at load. Default true:
   * the module is ruff's own, valid build, and up-front validation of its 9.7 MB cost a fresh
   * process 40–200 ms on this machine against 20–40 ms with it deferred.
   */
  lazyValidation: boolean
  /**
   * Compile each function on its first call (V8's default). False compiles every function when
   * the module is compiled, on V8's background threads: about twice the CPU (~0.5 s against
   * ~0.22 s for what one lint calls), worth it only where idle cores share it. Default: lazy below
   * EAGER_MIN_CORES cores, eager from there. Measured 2026-12-07 (load + Workspace + check +
   * format of one 235-line file in a fresh process, medians of 7–14, cores pinned with taskset on
   * a 16-core Xeon): 2 cores lazy 212 ms / eager 272; 4 cores 212 / 163; 8 cores 209 / 153; 16
   * cores 226 / 161 (Node's default 4 compile threads; with --v8-pool-size at the core count,
   * eager took 103 ms on 8 cores and 87 on 16). On this repository's 2-core machine eager doubled
   * a one-file lint (the python bench's variant measures both).
   */
  lazyCompilation: boolean
}

/** Chooses the engine settings; only before the first use (they apply when the module is compiled). */
export function configureRuffEngine(engine: Partial<RuffEngine>): void {
  if (flagsSet) throw new Error('BUG: configureRuffEngine() after ruff-wasm was compiled')
  Object.assign(engineSettings, engine)
}

/** The npm package's version, which is ruff's (read from its package.json, without loading it). */
export function ruffPackageVersion(): string {
  const require = createRequire(import.meta.url)
  const pkg = require.resolve('@astral-sh/ruff-wasm-nodejs/package.json')
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version
}

/**
 * Reads and compiles ruff's WebAssembly asynchronously (V8 compiles it off this thread), once; the
 * first `loadRuff` after it resolves instantiates that module instead of compiling its own. The
 * commit hook's worker starts it as soon as Python files are staged, before the gate is needed.
 * Each process pays the compile again: Node 20 keeps no compiled WebAssembly between processes
 * (`v8.serialize(module)` gives 2 bytes that `v8.deserialize` rejects; `--build-snapshot` has no
 * `WebAssembly`; `module.enableCompileCache` is Node 22's and covers JavaScript only). Within a
 * process a module posted to a worker thread shares its compiled code.
 */
export function compileRuff(): Promise<void> {
  if (!compiling) {
    applyEngineFlags()
    const started = performance.now()
    // fs.promises, not node:fs/promises: loaded on this first use, not when the gate's key imports this module
    compiling = fsPromises
      .readFile(ruffWasmPath())
      .then((bytes) => webAssembly.compile(bytes))
      .then((module) => {
        compiled = module
        workspaceStats.compileMs = performance.now() - started
        workspaceStats.ahead = true
      })
  }
  return compiling
}

/** The ruff version compiled into the WebAssembly package, e.g. `0.17.3`. */
export function ruffVersion(): string {
  return loadRuff().Workspace.version()
}

/**
 * The Workspace for one settings object, built once per distinct settings (by their JSON) and
 * reused: a build parses the settings and resolves the rule table. Throws ruff's own message
 * (unknown field, unknown rule selector, bad glob) as an Error; callers name the file.
 */
export function workspaceFor(options: object): RuffWorkspace {
  const key = JSON.stringify(options)
  let workspace = pool.get(key)
  if (!workspace) {
    const ruff = loadRuff()
    const started = performance.now()
    workspace = new ruff.Workspace(options, ruff.PositionEncoding.Utf16) as RuffWorkspace
    workspaceStats.built++
    workspaceStats.buildMs += performance.now() - started
    pool.set(key, workspace)
  }
  return workspace
}

// --- internal ---

const pool = new Map<string, RuffWorkspace>()
/** From this many cores up, ruff is compiled eagerly on V8's background threads (see RuffEngine). */
const EAGER_MIN_CORES = 4
const engineSettings: RuffEngine = {
  tiering: 'liftoff',
  lazyValidation: true,
  lazyCompilation: availableParallelism() < EAGER_MIN_CORES,
}
let loaded: RuffModule | undefined

let compiling: Promise<void> | undefined
let compiled: CompiledModule | undefined
let flagsSet = false
const nodeV8 = lazyBuiltin<typeof V8>('node:v8')

/**
 * V8's optimising tier is switched off before the module is compiled: measured on Node 20,
 * TurboFan recompiling ruff's hot functions in the background made 752 files take 2.8 s instead
 * of 0.5 s on the first pass, held 450 MB instead of 113 MB, and kept a one-file process alive
 * 4–6 s after its work was done (the baseline compiler alone exits in ~0.4 s). The flags only
 * affect WebAssembly compiled after them. V8 already compiles each function lazily, on its first
 * call (`--wasm-lazy-compilation` is on by default in Node 20): compiling all of them up front
 * (`--no-wasm-lazy-compilation`) took ~0.4 s of CPU against ~0.15 s for what one lint calls.
 */
function applyEngineFlags(): void {
  if (flagsSet) return
  flagsSet = true
  // node:v8 loaded here, not at import: the warm run imports this module for the gate's key
  // alone and never compiles ruff (loading node:v8 cost it ~2 ms).
  const { setFlagsFromString } = nodeV8()
  if (engineSettings.tiering === 'liftoff') setFlagsFromString('--liftoff-only')
  if (engineSettings.lazyValidation) setFlagsFromString('--wasm-lazy-validation')
  if (!engineSettings.lazyCompilation) setFlagsFromString('--no-wasm-lazy-compilation')
}

/**
 * Loads the package: the glue with the module `compileRuff` compiled, or one compiled here
 * (synchronously) when none is ready. A glue this code does not recognise is required as it
 * ships (it then compiles the module itself).
 */
function loadRuff(): RuffModule {
  if (!loaded) {
    const started = performance.now()
    applyEngineFlags()
    let module = compiled
    if (!module) {
      module = new webAssembly.Module(readFileSync(ruffWasmPath()))
      workspaceStats.compileMs = performance.now() - started
    }
    const instantiating = performance.now()
    loaded = instantiateRuffGlue(module) ?? requireRuff()
    workspaceStats.instantiateMs = performance.now() - instantiating
    workspaceStats.loadMs = performance.now() - started
  }
  return loaded
}
