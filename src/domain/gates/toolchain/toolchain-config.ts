import { UserError } from '../../../foundation/errors/user-error.ts'
import { DEFAULT_VERSION_PATTERN, KNOWN_TOOLS } from './known-tools.ts'
import { rangeKind } from './version-range.ts'

/** One tool's declaration in `gates.toolchain.tools` (every field optional). */
export interface ToolOptions {
  /** The version command as an argument list, e.g. `["python3", "--version"]` (default: the known one, else `<name> --version`). */
  command?: string[]
  /** A regular expression finding the version in the output; its first group, else the match. */
  version_pattern?: string
  /** Allowed versions: a semver range (`>=20.19`, `^3.10`, `*`) or a PEP 440 one (`>=3.10,<3.13`, `~=3.11`). */
  range?: string
  /** Missing or out of range fails the gate (default true); false makes a missing tool a note. */
  required?: boolean
  /** The install hint shown when it is missing (default: the known one). */
  install?: string
}

/** `gates.toolchain.tools`: `{ "python": ">=3.10", "nvcc": { "range": ">=12", "required": false } }` or a list of `{ name, … }`. */
export type ToolsSetting = Record<string, string | ToolOptions> | (ToolOptions & { name: string })[]

/** The toolchain gate's own settings. */
export const TOOLCHAIN_DEFAULTS = {
  required: ['node', 'npm', 'git'] as string[], // tools that must be present; node, npm and git are always probed
  tools: {} as ToolsSetting, // more probes, with ranges: python, uv, nvcc, nvidia-smi, ...
}

/** One probe, resolved: what to run, how to read it, what to hold it to. */
export interface ProbeSpec {
  name: string
  commands: string[][]
  versionPattern: RegExp
  /** Undefined or `*`: presence only. */
  range: string | undefined
  required: boolean
  install: string
  /** Where the probe was declared, for messages: `gates.toolchain.tools.python`. */
  declaredAt: string
}

/** The tools always probed (optional unless `required` names them), as before `tools` existed. */
export const BASE_TOOLS = ['node', 'npm', 'git'] as const

/**
 * The probes a config asks for, in order: node, npm and git, then the other `required` names,
 * then `tools` entries (which override a same-named earlier one). Bad ranges, patterns or
 * commands are a UserError naming the setting.
 */
export function probeSpecs(config: { required: readonly string[]; tools: ToolsSetting }): ProbeSpec[] {
  const specs = new Map<string, ProbeSpec>()
  const required = new Set(config.required)
  for (const name of [...BASE_TOOLS, ...config.required]) {
    if (specs.has(name)) continue
    specs.set(name, resolve(name, {}, required.has(name), `gates.toolchain.required`))
  }
  for (const [name, options, at] of toolEntries(config.tools)) {
    specs.set(name, resolve(name, options, options.required ?? true, at))
  }
  return [...specs.values()]
}

// --- internal ---

function toolEntries(tools: ToolsSetting): [string, ToolOptions, string][] {
  if (Array.isArray(tools)) {
    const seen = new Set<string>()
    return tools.map(({ name, ...options }, i) => {
      const at = `gates.toolchain.tools[${i}]`
      if (seen.has(name))
        throw new UserError('GATES_CONFIG', `${at} repeats the tool "${name}"`, 'keep one entry per tool')
      seen.add(name)
      return [name, options, at]
    })
  }
  return Object.entries(tools).map(([name, entry]) => [
    name,
    typeof entry === 'string' ? { range: entry } : entry,
    `gates.toolchain.tools.${name}`,
  ])
}

function resolve(name: string, options: ToolOptions, required: boolean, at: string): ProbeSpec {
  const known = KNOWN_TOOLS[name]
  if (options.command !== undefined && options.command.length === 0)
    throw new UserError(
      'GATES_CONFIG',
      `${at}.command is empty`,
      `give the version command as a list, e.g. ["${name}", "--version"]`,
    )
  const range = options.range?.trim()
  if (range && range !== '*' && !rangeKind(range)) {
    throw new UserError(
      'GATES_CONFIG',
      `${at}: range "${options.range}" is neither a semver range nor a PEP 440 specifier`,
      'write it like ">=3.10", ">=12 <14", "^20.19", "~=3.11" or ">=3.10,<3.13" ("*" for any version)',
    )
  }
  return {
    name,
    commands: options.command ? [options.command] : (known?.commands ?? [[name, '--version']]),
    versionPattern: options.version_pattern
      ? compilePattern(options.version_pattern, at)
      : options.command
        ? DEFAULT_VERSION_PATTERN
        : (known?.versionPattern ?? DEFAULT_VERSION_PATTERN),
    range: range || undefined,
    required,
    install: options.install ?? known?.install ?? `install ${name} and put it on PATH`,
    declaredAt: at,
  }
}

function compilePattern(source: string, at: string): RegExp {
  try {
    return new RegExp(source, 'm')
  } catch (error) {
    throw new UserError(
      'GATES_CONFIG',
      `${at}.version_pattern is not a valid regular expression: ${(error as Error).message}`,
      'write a JavaScript regular expression whose first group is the version, e.g. "release (\\\\d+\\\\.\\\\d+)"',
    )
  }
}
