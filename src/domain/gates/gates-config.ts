import { existsSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import type { Ajv, ErrorObject } from 'ajv'
import { nearest } from '../../foundation/cli/nearest.ts'
import { newAjv } from '../../foundation/config/new-ajv.ts'
import { validateOnce } from '../../foundation/config/validation-memo.ts'
import { UserError } from '../../foundation/errors/user-error.ts'
import { envValue } from '../../foundation/settings/env-value.ts'
import { DEFAULT_BASELINES_DIR } from './baseline.ts'
import { type CommandGateConfig, resolveCommandGates } from './command/command-config.ts'
import { LAYERS_DEFAULTS } from './layers/layers-config.ts'
import { NOTEBOOK_OUTPUTS_DEFAULTS } from './notebooks/notebook-outputs-config.ts'
import { PYTHON_DEPS_DEFAULTS } from './python-deps/python-deps-config.ts'
import { PYTHON_LINT_DEFAULTS } from './python-lint/python-lint-config.ts'
import { PYTHON_TYPES_DEFAULTS } from './python-types/python-types-config.ts'
import { type FileMode, PACKAGE_ROOT } from './repo-files.ts'
import { TOOLCHAIN_DEFAULTS } from './toolchain/toolchain-config.ts'

export type SeverityOverride = 'error' | 'warn' | 'off'

/** Settings every gate has. */
export interface GateCommon {
  enabled: boolean
  timeout_ms: number
  exclude: string[]
  severity: Record<string, SeverityOverride>
}

const COMMON: GateCommon = {
  enabled: true,
  timeout_ms: 60_000, // ms per gate
  exclude: [],
  severity: {},
}

/** Every gate's defaults, in one block; codex-gates.json overrides them field by field. */
export const GATE_DEFAULTS = {
  typecheck: {
    ...COMMON,
    timeout_ms: 180_000, // ms: a cold tsc on a large project
    project: 'tsconfig.json', // relative to the root
    compiler: 'auto', // auto: the root's node_modules/.bin/tsc, else ours; or a path to a tsc binary
  },
  lint: { ...COMMON, timeout_ms: 120_000, format: true },
  secrets: {
    ...COMMON,
    entropy_threshold: 3.5, // bits per character, generic assignments only
    min_length: 12, // characters, generic assignments only
    max_file_bytes: 5 * 1024 * 1024, // bytes; larger files are the large-files gate's business
    baseline: 'configs/secrets.baseline.json', // sha256 hashes of accepted secrets
    detect_secrets_baseline: '.secrets.baseline', // detect-secrets' baseline, honoured when present; '' for none
  },
  'env-files': { ...COMMON, allow: ['.env.example', '.env.sample'] },
  'docs-links': { ...COMMON, extensions: ['.md', '.markdown'], site_root: [] as string | string[] },
  integrity: { ...COMMON, manifest: '.codex/pre_manifest.json', allow: [] as string[] },
  duplicates: { ...COMMON, min_bytes: 1, allow: [] as string[] },
  placeholders: { ...COMMON, baseline: 'configs/placeholders.baseline.json' },
  deps: { ...COMMON, allow_specs: {} as Record<string, string>, check_installed: true },
  toolchain: { ...COMMON, ...TOOLCHAIN_DEFAULTS },
  licenses: {
    ...COMMON,
    allow: [
      'MIT',
      'ISC',
      'Apache-2.0',
      'BSD-2-Clause',
      'BSD-3-Clause',
      '0BSD',
      'CC0-1.0',
      'Unlicense',
      'BlueOak-1.0.0',
    ],
    exceptions: {} as Record<string, string>,
  },
  'large-files': { ...COMMON, max_bytes: 1024 * 1024, allow: [] as string[] },
  layers: { ...COMMON, ...LAYERS_DEFAULTS },
  'python-deps': { ...COMMON, ...PYTHON_DEPS_DEFAULTS },
  'notebook-outputs': { ...COMMON, ...NOTEBOOK_OUTPUTS_DEFAULTS },
  'python-lint': { ...COMMON, ...PYTHON_LINT_DEFAULTS },
  'python-types': { ...COMMON, ...PYTHON_TYPES_DEFAULTS },
}

export type GateName = keyof typeof GATE_DEFAULTS
export type GateConfigs = { [K in GateName]: (typeof GATE_DEFAULTS)[K] }
export type GateConfig<K extends GateName> = GateConfigs[K]

export const GATE_NAMES = Object.keys(GATE_DEFAULTS) as GateName[]

/** The resolved configuration: defaults with codex-gates.json laid over them. */
export interface GatesConfig {
  /** Absolute path of the file it came from; undefined when the root has none (defaults only). */
  path: string | undefined
  files: FileMode
  exclude: string[]
  /** Repo-relative folder of the per-gate baselines (`<gate>.json`); default `.codex-gates/baselines`. */
  baselines: string
  gates: GateConfigs
  /** Command gates: the keys under `gates` that are not built-in gates, each with `run`. */
  commands: Record<string, CommandGateConfig>
  /** The hooks of `.pre-commit-config.yaml` as gates (`pre_commit`; off with `false`). */
  preCommit: PreCommitSetting
}

/** `pre_commit` in codex-gates.json, resolved. */
export interface PreCommitSetting {
  enabled: boolean
  /** The config file, relative to the root. */
  config: string
  /** Fixers rewrite files in the pre-commit hook (else they only report). */
  fix: boolean
}

/** Config files at the gated root, in the order they are looked for. */
export const CONFIG_FILES = ['codex-gates.json', 'configs/gates.json'] as const

/**
 * Where the config lives: `CODEX_GATES_CONFIG`, else `<root>/codex-gates.json`, else the older
 * `<root>/configs/gates.json` (read with a deprecation note), else none (the defaults).
 */
export function gatesConfigPath(root: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const explicit = envValue('CODEX_GATES_CONFIG', env)
  if (explicit) {
    const path = resolve(explicit)
    if (!existsSync(path)) {
      throw new UserError(
        'GATES_CONFIG',
        `CODEX_GATES_CONFIG points to a missing file: ${path}`,
        'set it to an existing codex-gates.json or unset it',
      )
    }
    return path
  }
  const [current, legacy] = CONFIG_FILES.map((f) => join(root, f)) as [string, string]
  if (existsSync(current)) return current
  if (!existsSync(legacy)) return undefined
  warnLegacyOnce(legacy)
  return legacy
}

/** Reads, validates (ajv, configs/schemas/codex-gates.schema.json) and resolves the gate config. */
export function loadGatesConfig(root: string, env: NodeJS.ProcessEnv = process.env): GatesConfig {
  const path = gatesConfigPath(root, env)
  if (!path) return resolveGatesConfig({}, undefined)
  const shown = displayPath(path)
  const text = readFileSync(path, 'utf8')
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (error) {
    throw new UserError(
      'GATES_CONFIG',
      // JSON.parse throws only SyntaxError: its message is the description.
      `${shown} is not valid JSON: ${(error as SyntaxError).message}${jsonErrorLocation(text, error as SyntaxError)}`,
      `fix the JSON syntax in ${shown}`,
    )
  }
  return resolveGatesConfig(raw, path)
}

/** Validates an already-parsed config object and lays it over the defaults. */
export function resolveGatesConfig(raw: unknown, path: string | undefined): GatesConfig {
  const shown = path ? displayPath(path) : 'gates config'
  validateOnce(SCHEMA_PATH, raw, () => {
    const validate = validator()
    if (!validate(raw)) throw configError(shown, validate.errors ?? [])
  })
  const input = raw as {
    files?: FileMode
    exclude?: string[]
    baselines?: string
    gates?: Partial<Record<GateName, object>>
    pre_commit?: false | Partial<PreCommitSetting>
  }
  const gates = {} as Record<GateName, unknown>
  for (const name of GATE_NAMES) {
    const user = input.gates?.[name] ?? {}
    const defaults = GATE_DEFAULTS[name] as GateCommon
    gates[name] = { ...defaults, ...user, severity: { ...defaults.severity, ...(user as GateCommon).severity } }
  }
  const preCommit = input.pre_commit === false ? { enabled: false } : (input.pre_commit ?? {})
  const baselines = input.baselines ?? DEFAULT_BASELINES_DIR
  // codex-gates' own data files are written in their own layout (a baseline entry per line) and
  // rewritten by every ratchet: a formatter's verdict on them would only be undone.
  const lint = gates.lint as GateCommon
  lint.exclude = [...new Set([...lint.exclude, ...ownDataGlobs(baselines)])]
  return {
    path,
    files: input.files ?? 'tracked',
    exclude: input.exclude ?? [],
    gates: gates as GateConfigs,
    commands: resolveCommandGates(input.gates as Record<string, unknown> | undefined, BUILT_IN),
    preCommit: { enabled: true, config: '.pre-commit-config.yaml', fix: false, ...preCommit },
    baselines,
  }
}

/** What the lint gate never reads: codex-gates' folder and the baselines folder, wherever it is. */
export function ownDataGlobs(baselines: string): string[] {
  return [`${OWN_DATA_DIR}/**`, `${baselines.replace(/\/+$/, '')}/**`]
}

// --- internal ---

const BUILT_IN: ReadonlySet<string> = new Set(GATE_NAMES)
/** The folder init writes codex-gates' own data to (the placeholders baseline, the baselines). */
const OWN_DATA_DIR = '.codex-gates'
const SCHEMA_PATH = join(PACKAGE_ROOT, 'configs', 'schemas', 'codex-gates.schema.json')
const warned = new Set<string>()

function warnLegacyOnce(path: string): void {
  if (warned.has(path)) return
  warned.add(path)
  process.stderr.write(
    `codex-gates: ${displayPath(path)} is the old config location; move it to codex-gates.json at the repository root (git mv ${displayPath(path)} codex-gates.json, and point its "$schema" at node_modules/codex-gates/configs/schemas/codex-gates.schema.json)\n`,
  )
}
let compiled: ReturnType<Ajv['compile']> | undefined

function validator(): ReturnType<Ajv['compile']> {
  if (!compiled) {
    const ajv = newAjv({ allErrors: true, strict: true, verbose: true })
    compiled = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')))
  }
  return compiled
}

/** One UserError naming the JSON path of the first problem (and how many more there are). */
function configError(shown: string, errors: ErrorObject[]): UserError {
  const specific = errors.filter((e) => e.keyword !== 'if' && e.keyword !== 'anyOf')
  const first = specific[0] ?? errors[0]
  const more = specific.length > 1 ? ` (and ${specific.length - 1} more problem${specific.length > 2 ? 's' : ''})` : ''
  if (!first) return new UserError('GATES_CONFIG', `${shown} is invalid`, 'see configs/schemas/codex-gates.schema.json')
  const at = first.instancePath || '/'
  const gateKey = /^\/gates\/([^/]+)$/.exec(at)?.[1]
  if (first.keyword === 'required' && gateKey !== undefined && !BUILT_IN.has(gateKey)) {
    // Not a built-in gate and no `run`: most often a misspelled gate name.
    const close = nearest(gateKey, GATE_NAMES)
    return new UserError(
      'GATES_CONFIG',
      `${shown}: ${at} is not a known setting${more}`,
      `${close ? `did you mean "${close}"? ` : ''}allowed here: ${GATE_NAMES.join(', ')}; or make it a command gate with "run": ["tool", "arg"] (schema: configs/schemas/codex-gates.schema.json)`,
    )
  }
  const badName = (first as { propertyName?: string }).propertyName
  if (badName !== undefined && at === '/gates') {
    return new UserError(
      'GATES_CONFIG',
      `${shown}: /gates/${badName} is not a valid gate name${more}`,
      'name command gates with letters, digits, . _ : - (not starting with "pre-commit:", the names of .pre-commit-config.yaml hooks)',
    )
  }
  if (first.keyword === 'additionalProperties') {
    const key = String((first.params as { additionalProperty: string }).additionalProperty)
    const allowed = allowedKeys(first)
    const close = nearest(key, allowed)
    return new UserError(
      'GATES_CONFIG',
      `${shown}: ${jsonPath(at, key)} is not a known setting${more}`,
      `${close ? `did you mean "${close}"? ` : ''}allowed here: ${allowed.join(', ')} (schema: configs/schemas/codex-gates.schema.json)`,
    )
  }
  if (first.keyword === 'enum') {
    const allowed = (first.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v))
    return new UserError(
      'GATES_CONFIG',
      `${shown}: ${at} must be one of ${allowed.join(', ')}${more}`,
      `set ${at} to one of ${allowed.join(', ')}`,
    )
  }
  return new UserError(
    'GATES_CONFIG',
    `${shown}: ${at} ${first.message ?? 'is invalid'}${more}`,
    `fix the value at ${at} (schema: configs/schemas/codex-gates.schema.json)`,
  )
}

function allowedKeys(error: ErrorObject): string[] {
  const properties = (error.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties
  return Object.keys(properties ?? {}).filter((k) => k !== '$schema')
}

function jsonPath(parent: string, key: string): string {
  return `${parent === '/' ? '' : parent}/${key}`
}

function displayPath(path: string): string {
  const rel = relative(process.cwd(), path)
  return rel.startsWith('..') ? path : rel
}

function jsonErrorLocation(text: string, error: SyntaxError): string {
  const position = /position (\d+)/.exec(error.message)?.[1]
  if (position === undefined) return ''
  const before = text.slice(0, Number(position))
  const line = before.split('\n').length
  const column = Number(position) - before.lastIndexOf('\n')
  return ` (line ${line}, column ${column})`
}
