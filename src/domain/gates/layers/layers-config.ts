import { UserError } from '../../../foundation/errors/user-error.ts'

/** One layer: a name and the files in it (globs on repo-relative paths). */
export interface LayerSpec {
  name: string
  paths: string[]
}

/** Files matching `from` must not import files matching `to`, nor the npm/PyPI packages named. */
export interface ForbiddenRule {
  /** Shown in findings (default: `forbidden[i]`). */
  name?: string
  from: string[]
  /** Target files (globs). */
  to?: string[]
  /** Target packages: `lodash`, `@scope/pkg`, `node:fs` (or `fs`), `numpy`; `*` globs allowed. */
  packages?: string[]
  /** Why: shown in the finding. */
  reason?: string
  /** Override of the top-level `type_only` for this rule. */
  type_only?: TypeOnlyMode
}

/** Groups of files (one glob list each) that must not import one another (import-linter's independence). */
export interface IndependenceRule {
  name: string
  modules: string[]
  type_only?: TypeOnlyMode
}

/** `ignore`: type-only imports (erased at runtime) are not dependencies; `check`: they are. */
export type TypeOnlyMode = 'ignore' | 'check'
export type CycleMode = 'error' | 'warn' | 'off'

/** The `layers` gate's own settings (JSON-schema compatible: plain objects, arrays, strings, booleans). */
export interface LayersRules {
  /** Bottom first: a file in layer i may import layers 0..i, never a higher one. */
  layers: LayerSpec[]
  /** Also report source files in no layer (warnings). */
  report_unlayered: boolean
  forbidden: ForbiddenRule[]
  independent: IndependenceRule[]
  /** File-level import cycles. */
  cycles: CycleMode
  /** Whether type-only imports count, for every rule (forbidden/independent rules may override). */
  type_only: TypeOnlyMode
  /**
   * Also report chains (`a → x → b`) through files the rule does not name, as import-linter does;
   * off, only direct imports count, as in dependency-cruiser.
   */
  indirect: boolean
  /** Python source roots, repo-relative; `.` is the root. First match resolves. */
  python_roots: string[]
  /** The tsconfig whose `paths`/`baseUrl` aliases resolve imports (followed through `extends`). */
  tsconfig: string
}

/** Defaults: no rules (the gate skips), type-only imports ignored, direct imports only. */
export const LAYERS_DEFAULTS: LayersRules = {
  layers: [],
  report_unlayered: false,
  forbidden: [],
  independent: [],
  cycles: 'off',
  type_only: 'ignore',
  indirect: false,
  python_roots: ['.', 'src'],
  tsconfig: 'tsconfig.json',
}

/** JSON Schema (draft-07) of the settings above, for the `layers` entry of gates.schema.json. */
export const LAYERS_SCHEMA = {
  layers: {
    type: 'array',
    description: 'Layers, bottom first: a file may import its own layer and those below, never one above.',
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'paths'],
      properties: {
        name: { type: 'string', minLength: 1 },
        paths: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
      },
    },
  },
  report_unlayered: { type: 'boolean', description: 'Warn about source files in no layer (default false).' },
  forbidden: {
    type: 'array',
    description: 'Imports that must not exist: from files (globs) to files (globs) or packages.',
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['from'],
      // Each branch names its property too: ajv's strict mode wants `required` keys defined beside it.
      anyOf: [
        { required: ['to'], properties: { to: { type: 'array' } } },
        { required: ['packages'], properties: { packages: { type: 'array' } } },
      ],
      properties: {
        name: { type: 'string', minLength: 1 },
        from: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
        to: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
        packages: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
        reason: { type: 'string', minLength: 1 },
        type_only: { enum: ['ignore', 'check'] },
      },
    },
  },
  independent: {
    type: 'array',
    description: 'Groups of modules (one glob each) that must not import one another.',
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'modules'],
      properties: {
        name: { type: 'string', minLength: 1 },
        modules: { type: 'array', minItems: 2, items: { type: 'string', minLength: 1 } },
        type_only: { enum: ['ignore', 'check'] },
      },
    },
  },
  cycles: { enum: ['error', 'warn', 'off'], description: 'File-level import cycles (default off).' },
  type_only: { enum: ['ignore', 'check'], description: 'Whether type-only imports count (default ignore).' },
  indirect: { type: 'boolean', description: 'Also report chains through files no rule names (default false).' },
  python_roots: {
    type: 'array',
    items: { type: 'string', minLength: 1 },
    description: 'Python source roots (default [".", "src"]).',
  },
  tsconfig: { type: 'string', minLength: 1, description: 'tsconfig for path aliases (default tsconfig.json).' },
} as const

/**
 * Checks a `layers` config (the gate's section, common gate settings allowed alongside) and
 * lays it over LAYERS_DEFAULTS. Throws UserError naming `where`'s field and the fix.
 */
export function resolveLayersConfig(raw: unknown, where = 'gates.layers'): LayersRules {
  if (!isObject(raw)) throw bad(where, 'must be an object')
  const out: LayersRules = { ...LAYERS_DEFAULTS }
  for (const [key, value] of Object.entries(raw)) {
    const at = `${where}.${key}`
    switch (key) {
      case 'layers':
        out.layers = array(value, at).map((item, i) => {
          const spec = object(item, `${at}[${i}]`, ['name', 'paths'])
          return { name: text(spec.name, `${at}[${i}].name`), paths: globs(spec.paths, `${at}[${i}].paths`) }
        })
        duplicates(
          out.layers.map((l) => l.name),
          at,
        )
        break
      case 'forbidden':
        out.forbidden = array(value, at).map((item, i) => forbiddenRule(item, `${at}[${i}]`))
        break
      case 'independent':
        out.independent = array(value, at).map((item, i) => {
          const r = object(item, `${at}[${i}]`, ['name', 'modules', 'type_only'])
          const modules = globs(r.modules, `${at}[${i}].modules`)
          if (modules.length < 2) throw bad(`${at}[${i}].modules`, 'needs at least two groups to keep apart')
          return {
            name: text(r.name, `${at}[${i}].name`),
            modules,
            ...(r.type_only === undefined ? {} : { type_only: oneOf(r.type_only, `${at}[${i}].type_only`, TYPE_ONLY) }),
          }
        })
        break
      case 'report_unlayered':
      case 'indirect':
        if (typeof value !== 'boolean') throw bad(at, 'must be true or false')
        out[key] = value
        break
      case 'cycles':
        out.cycles = oneOf(value, at, ['error', 'warn', 'off'] as const)
        break
      case 'type_only':
        out.type_only = oneOf(value, at, TYPE_ONLY)
        break
      case 'python_roots':
        out.python_roots = array(value, at).map((r, i) => text(r, `${at}[${i}]`))
        break
      case 'tsconfig':
        out.tsconfig = text(value, at)
        break
      default:
        if (!COMMON_KEYS.has(key)) {
          throw new UserError(
            'LAYERS_CONFIG',
            `${at} is not a known setting`,
            `allowed: ${[...Object.keys(LAYERS_DEFAULTS), ...COMMON_KEYS].join(', ')}`,
          )
        }
    }
  }
  return out
}

/** True when the config asks for at least one check. */
export function hasLayersRules(rules: LayersRules): boolean {
  return (
    rules.layers.length > 0 ||
    rules.forbidden.length > 0 ||
    rules.independent.length > 0 ||
    rules.cycles !== 'off' ||
    rules.report_unlayered
  )
}

// --- internal ---

const TYPE_ONLY = ['ignore', 'check'] as const
/** Settings every gate has (gates-config.ts GateCommon); the runner handles them. */
const COMMON_KEYS = new Set(['enabled', 'timeout_ms', 'exclude', 'severity'])

function forbiddenRule(item: unknown, at: string): ForbiddenRule {
  const r = object(item, at, ['name', 'from', 'to', 'packages', 'reason', 'type_only'])
  if (r.to === undefined && r.packages === undefined) {
    throw bad(at, 'forbids nothing', 'give it "to" (file globs) or "packages" (package names), or both')
  }
  return {
    ...(r.name === undefined ? {} : { name: text(r.name, `${at}.name`) }),
    from: globs(r.from, `${at}.from`),
    ...(r.to === undefined ? {} : { to: globs(r.to, `${at}.to`) }),
    ...(r.packages === undefined ? {} : { packages: globs(r.packages, `${at}.packages`) }),
    ...(r.reason === undefined ? {} : { reason: text(r.reason, `${at}.reason`) }),
    ...(r.type_only === undefined ? {} : { type_only: oneOf(r.type_only, `${at}.type_only`, TYPE_ONLY) }),
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function object(v: unknown, at: string, keys: string[]): Record<string, unknown> {
  if (!isObject(v)) throw bad(at, 'must be an object')
  for (const k of Object.keys(v)) {
    if (!keys.includes(k)) throw bad(`${at}.${k}`, 'is not a known setting', `allowed here: ${keys.join(', ')}`)
  }
  return v
}

function array(v: unknown, at: string): unknown[] {
  if (!Array.isArray(v)) throw bad(at, 'must be an array')
  return v
}

function text(v: unknown, at: string): string {
  if (typeof v !== 'string' || v === '') throw bad(at, 'must be a non-empty string')
  return v
}

function globs(v: unknown, at: string): string[] {
  const list = array(v, at).map((g, i) => text(g, `${at}[${i}]`))
  if (list.length === 0) throw bad(at, 'must list at least one glob or name')
  return list
}

function oneOf<T extends string>(v: unknown, at: string, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) throw bad(at, `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}`)
  return v as T
}

function duplicates(names: string[], at: string): void {
  const seen = new Set<string>()
  for (const n of names) {
    if (seen.has(n)) throw bad(at, `names the layer "${n}" twice`, 'give each layer a distinct name')
    seen.add(n)
  }
}

function bad(at: string, problem: string, hint?: string): UserError {
  return new UserError('LAYERS_CONFIG', `${at} ${problem}`, hint ?? `fix ${at} in configs/gates.json`)
}
