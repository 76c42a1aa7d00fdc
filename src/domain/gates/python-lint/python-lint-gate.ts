import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { EventMeta } from '../../../ledger/ledger-meta.ts'
import { type Finding, sortFindings } from '../finding.ts'
import type { CacheInputs, ScanResult } from '../gate.ts'
import { lintPythonText } from './lint-python-text.ts'
import { type ReadText, RUFF_CONFIG_NAMES, ruffChainPaths, ruffConfigIn } from './load-ruff-chain.ts'
import type { ValidateRuffConfig } from './merge-ruff-chain.ts'
import { PYTHON_LINT_DEFAULTS, type PythonLintConfig } from './python-lint-config.ts'
import { type RuffFileSettings, RuffSettingsResolver } from './ruff-settings-resolver.ts'
import { ruffPackageVersion } from './ruff-wasm.ts'

export { PYTHON_LINT_DEFAULTS, type PythonLintConfig }

/**
 * Files this gate lints. ruff-wasm checks and formats every text as a `.py` module: on stubs
 * (`.pyi`) that reports forward references (F821) and `import x as x` re-exports (PLC0414) and
 * would reformat nearly every file (measured on typeshed: 275 of 300), so stubs are left to
 * python-types; notebooks are not supported by ruff-wasm at all.
 */
export const PYTHON_FILE = /\.py$/
const STUB_FILE = /\.pyi$/

/** One file for `lintPythonText`: what the gate hands ruff, in-process or through the warm ruff server. */
export interface PythonLintRequest {
  path: string
  text: string
  settings: RuffFileSettings
  /** The gate's `format` setting (the file's own `[format] exclude` is in `settings.format`). */
  format: boolean
}

/**
 * ruff (WebAssembly build, pinned) over the repository's Python files with the repository's own
 * ruff settings, found per file as ruff finds them. Every diagnostic and every file `ruff
 * format` would change is an error finding.
 */
export function scanPythonLint(root: string, files: readonly string[], config: PythonLintConfig): ScanResult {
  const plan = planPythonLint(root, files, config)
  return pythonLintResult(plan, plan.requests.map(lintRequest))
}

/** `lintPythonText` on one request: the one function both the gate and the warm ruff server call. */
export function lintRequest(request: PythonLintRequest): Finding[] {
  return lintPythonText(request.path, request.text, request.settings, { format: request.format })
}

/**
 * The files to lint, each with its text and ruff settings, and the gate's notes (skipped stubs).
 * `validate` checks each ruff config file met (default: ruff's own check, in this process).
 */
export function planPythonLint(
  root: string,
  files: readonly string[],
  config: PythonLintConfig,
  validate?: ValidateRuffConfig,
): { requests: PythonLintRequest[]; events: EventMeta[] } {
  const read = worktreeReader(root)
  const resolver = new RuffSettingsResolver(read, validate)
  const requests: PythonLintRequest[] = []
  const events: EventMeta[] = []
  const stubs = files.filter((f) => STUB_FILE.test(f)).length
  if (stubs) {
    events.push({
      role: 'tool',
      level: 'info',
      message: `python-lint: ${stubs} .pyi stub${stubs === 1 ? '' : 's'} not linted (ruff-wasm has no stub mode); python-types checks them`,
    })
  }
  for (const file of files) {
    if (!PYTHON_FILE.test(file)) continue
    const settings = resolver.fileSettings(file)
    if (!settings) continue
    const text = read(file)
    if (text === undefined) continue
    requests.push({ path: file, text, settings, format: config.format })
  }
  return { requests, events }
}

/** The scan's result from a plan and each request's findings, in the plan's order. */
export function pythonLintResult(plan: { events: EventMeta[] }, findings: readonly Finding[][]): ScanResult {
  return { findings: sortFindings(findings.flat()), events: plan.events }
}

/**
 * The result cache's inputs: the Python files, every config path the settings depend on (each
 * folder's `.ruff.toml`, `ruff.toml` and `pyproject.toml` up to the root, present or not, and
 * the files they `extend`), and ruff's version. Parses configs but never loads ruff itself, so
 * a cache hit costs no WebAssembly start.
 */
export function pythonLintInputs(root: string, files: readonly string[]): CacheInputs {
  const python = files.filter((f) => PYTHON_FILE.test(f))
  const read = worktreeReader(root)
  const configs = new Set<string>()
  const dirs = new Set<string>()
  for (const file of python) {
    for (
      let d: string | undefined = parentDir(file);
      d !== undefined && !dirs.has(d);
      d = d === '' ? undefined : parentDir(d)
    ) {
      dirs.add(d)
    }
  }
  for (const dir of dirs) {
    for (const name of RUFF_CONFIG_NAMES) configs.add(dir ? `${dir}/${name}` : name)
    try {
      const found = ruffConfigIn(dir, read)
      // The chain as far as it goes, a missing `extend` target included: adding it changes the result.
      if (found) for (const path of ruffChainPaths(found, read)) configs.add(path)
    } catch {
      // A pyproject.toml that is not TOML: its path is already an input, and the scan reports the error.
    }
  }
  return { contents: [...python, ...[...configs].sort()], extra: { ruff: ruffPackageVersion() } }
}

/**
 * The gate, in the shape of `Gate<'python-lint'>` from src/gates/gate.ts. It is a plain object
 * because `Gate<K>` needs K to be a `GateName`, which it becomes once the orchestrator adds
 * PYTHON_LINT_DEFAULTS to GATE_DEFAULTS.
 */
export const pythonLintGate = {
  name: 'python-lint' as const,
  description: 'ruff lint and format check (ruff-wasm, the repository’s ruff settings)',
  skipReason: (_root: string, files: readonly string[]) =>
    files.some((f) => PYTHON_FILE.test(f)) ? undefined : 'no .py files (.pyi stubs are left to python-types)',
  cacheInputs: (root: string, files: readonly string[]) => pythonLintInputs(root, files),
  scan: scanPythonLint,
}

// --- internal ---

function worktreeReader(root: string): ReadText {
  return (path) => {
    try {
      return readFileSync(join(root, path), 'utf8')
    } catch {
      return undefined
    }
  }
}

function parentDir(path: string): string {
  const i = path.lastIndexOf('/')
  return i === -1 ? '' : path.slice(0, i)
}
