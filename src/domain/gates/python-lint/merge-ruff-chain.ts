import { isTable, type TomlTable } from '../../../foundation/config/parse-toml-file.ts'
import { UserError } from '../../../foundation/errors/user-error.ts'
import type { RuffConfigFile } from './load-ruff-chain.ts'
import { workspaceFor } from './ruff-wasm.ts'
import { flattenSelections, type SelectionLayer } from './rule-selection.ts'

/** Glob patterns and the folder they are relative to (the config file's). */
export interface RootedPatterns {
  dir: string
  patterns: string[]
}

/** A `per-file-ignores`-style entry: a glob (`!` negates), its folder, and what it maps to. */
export interface PerFileEntry<T> {
  dir: string
  pattern: string
  value: T
}

/** An `extend` chain merged the way ruff merges it, split into what ruff-wasm takes and what we apply. */
export interface MergedRuffConfig {
  /** The chain's files, nearest first (empty for ruff's defaults). */
  files: string[]
  /** The nearest file's folder: the project root ruff resolves relative paths against. */
  dir: string
  /** Settings for `new Workspace(...)`, without the path-dependent ones below. */
  options: TomlTable
  /** `exclude` (undefined: ruff's built-in list) and every file's `extend-exclude`. */
  exclude: RootedPatterns | undefined
  extendExclude: RootedPatterns[]
  include: RootedPatterns | undefined
  extendInclude: RootedPatterns[]
  forceExclude: boolean
  lintExclude: RootedPatterns | undefined
  formatExclude: RootedPatterns | undefined
  /** `per-file-ignores` of the nearest file that has it, then every file's `extend-per-file-ignores`. */
  perFileIgnores: PerFileEntry<string[]>[]
  perFileTargetVersion: PerFileEntry<string>[]
}

/**
 * Merges a chain (nearest first) as ruff's `Configuration::combine` does: a nearer file's value
 * wins, plugin tables (`[lint.isort]`, `[format]`…) merge field by field, `extend-*` lists
 * accumulate, and rule selections are folded layer by layer. Top-level lint settings (the
 * deprecated `select = […]` outside `[lint]`) count where `[lint]` does not set them. Each
 * file is first checked by ruff itself, so an unknown key or rule selector names its file.
 */
/**
 * How each config file of a chain is checked while merging (default validateRuffConfig). The warm
 * ruff server's client collects the files instead and has the server run validateRuffConfig on
 * them, so a hook that lints through the server never loads ruff itself.
 */
export type ValidateRuffConfig = (config: RuffConfigFile) => void

export function mergeRuffChain(
  chain: readonly RuffConfigFile[],
  validate: ValidateRuffConfig = validateRuffConfig,
): MergedRuffConfig {
  const merged: MergedRuffConfig = {
    files: chain.map((c) => c.file),
    dir: chain[0]?.dir ?? '',
    options: {},
    exclude: undefined,
    extendExclude: [],
    include: undefined,
    extendInclude: [],
    forceExclude: false,
    lintExclude: undefined,
    formatExclude: undefined,
    perFileIgnores: [],
    perFileTargetVersion: [],
  }
  const selections: SelectionLayer[] = []
  const fixables: SelectionLayer[] = []
  let top: TomlTable = {}
  let lint: TomlTable = {}
  let perFileIgnores: PerFileEntry<string[]>[] | undefined
  let perFileTarget: PerFileEntry<string>[] | undefined
  const extendPerFile: PerFileEntry<string[]>[] = []
  // Base first, so nearer files overwrite.
  for (const config of [...chain].reverse()) {
    validate(config)
    const { top: fileTop, lint: fileLint } = splitLint(config.options)
    const rooted = (value: unknown) => ({ dir: config.dir, patterns: strings(value) })
    const take = <K extends string>(table: TomlTable, key: K) => {
      const value = table[key]
      delete table[key]
      return value
    }
    const exclude = take(fileTop, 'exclude')
    if (exclude !== undefined) merged.exclude = rooted(exclude)
    const extendExclude = take(fileTop, 'extend-exclude')
    if (extendExclude !== undefined) merged.extendExclude.push(rooted(extendExclude))
    const include = take(fileTop, 'include')
    if (include !== undefined) merged.include = rooted(include)
    const extendInclude = take(fileTop, 'extend-include')
    if (extendInclude !== undefined) merged.extendInclude.push(rooted(extendInclude))
    const force = take(fileTop, 'force-exclude')
    if (force !== undefined) merged.forceExclude = force === true
    const versions = take(fileTop, 'per-file-target-version')
    if (versions !== undefined) perFileTarget = entries(config.dir, versions) as PerFileEntry<string>[]
    for (const key of DROPPED) delete fileTop[key]
    const format = fileTop.format
    if (isTable(format) && format.exclude !== undefined) {
      merged.formatExclude = rooted(format.exclude)
      const { exclude: _, ...rest } = format
      fileTop.format = rest
    }
    const lintExclude = take(fileLint, 'exclude')
    if (lintExclude !== undefined) merged.lintExclude = rooted(lintExclude)
    const pfi = take(fileLint, 'per-file-ignores')
    if (pfi !== undefined) perFileIgnores = entries(config.dir, pfi) as PerFileEntry<string[]>[]
    const epfi = take(fileLint, 'extend-per-file-ignores')
    if (epfi !== undefined) extendPerFile.push(...(entries(config.dir, epfi) as PerFileEntry<string[]>[]))
    selections.push(
      layer(take(fileLint, 'select'), take(fileLint, 'extend-select'), [
        take(fileLint, 'ignore'),
        take(fileLint, 'extend-ignore'),
      ]),
    )
    fixables.push(
      layer(take(fileLint, 'fixable'), take(fileLint, 'extend-fixable'), [
        take(fileLint, 'unfixable'),
        take(fileLint, 'extend-unfixable'),
      ]),
    )
    for (const key of ['extend-safe-fixes', 'extend-unsafe-fixes']) {
      const value = take(fileLint, key)
      if (value !== undefined) fileLint[key] = [...strings(lint[key]), ...strings(value)]
    }
    top = overlay(top, fileTop)
    lint = overlay(lint, fileLint)
  }
  merged.perFileIgnores = [...(perFileIgnores ?? []), ...extendPerFile]
  merged.perFileTargetVersion = perFileTarget ?? []
  const selection = flattenSelections(selections)
  const fixable = flattenSelections(fixables)
  const lintOut: TomlTable = { ...lint }
  if (selection.select !== undefined) lintOut.select = selection.select
  if (selection.extend.length) lintOut['extend-select'] = selection.extend
  if (selection.ignore.length) lintOut.ignore = selection.ignore
  if (fixable.select !== undefined) lintOut.fixable = fixable.select
  if (fixable.extend.length) lintOut['extend-fixable'] = fixable.extend
  if (fixable.ignore.length) lintOut.unfixable = fixable.ignore
  merged.options = { ...top, ...(Object.keys(lintOut).length ? { lint: lintOut } : {}) }
  return merged
}

// --- internal ---

/** Lint settings ruff still reads at the top level (deprecated there in favour of `[lint]`). */
const TOP_LEVEL_LINT = new Set([
  'allowed-confusables',
  'dummy-variable-rgx',
  'extend-ignore',
  'extend-select',
  'extend-fixable',
  'extend-unfixable',
  'external',
  'fixable',
  'ignore',
  'extend-safe-fixes',
  'extend-unsafe-fixes',
  'ignore-init-module-imports',
  'logger-objects',
  'select',
  'explicit-preview-rules',
  'task-tags',
  'typing-modules',
  'unfixable',
  'per-file-ignores',
  'extend-per-file-ignores',
  'flake8-annotations',
  'flake8-bandit',
  'flake8-boolean-trap',
  'flake8-bugbear',
  'flake8-builtins',
  'flake8-comprehensions',
  'flake8-copyright',
  'flake8-errmsg',
  'flake8-quotes',
  'flake8-self',
  'flake8-tidy-imports',
  'flake8-type-checking',
  'flake8-gettext',
  'flake8-implicit-str-concat',
  'flake8-import-conventions',
  'flake8-pytest-style',
  'flake8-unused-arguments',
  'isort',
  'mccabe',
  'pep8-naming',
  'pycodestyle',
  'pydocstyle',
  'pyflakes',
  'pylint',
  'pyupgrade',
])

/**
 * Settings that only steer the ruff CLI (cache, output, fixing, file discovery, first-party
 * detection on disk): no effect on what `Workspace.check` reports for a text, so left out.
 */
const DROPPED = [
  'extend',
  'cache-dir',
  'output-format',
  'output-prefer-rule-codes',
  'fix',
  'unsafe-fixes',
  'fix-only',
  'show-fixes',
  'respect-gitignore',
  'extension',
  'namespace-packages',
  'src',
  'analyze',
]

/** `[lint]` with the top-level lint settings under it (`[lint]` wins, plugin tables merge). */
function splitLint(options: TomlTable): { top: TomlTable; lint: TomlTable } {
  const top: TomlTable = {}
  const topLint: TomlTable = {}
  let lint: TomlTable = {}
  for (const [key, value] of Object.entries(options)) {
    if (key === 'lint' && isTable(value)) lint = { ...value }
    else if (TOP_LEVEL_LINT.has(key)) topLint[key] = value
    else top[key] = value
  }
  return { top, lint: overlay(topLint, lint) }
}

/** `over` laid on `base`: values replace, tables merge one level (as ruff's plugin options do). */
function overlay(base: TomlTable, over: TomlTable): TomlTable {
  const out: TomlTable = { ...base }
  for (const [key, value] of Object.entries(over)) {
    const before = out[key]
    out[key] = isTable(before) && isTable(value) ? { ...before, ...value } : value
  }
  return out
}

function layer(select: unknown, extend: unknown, ignores: unknown[]): SelectionLayer {
  return {
    ...(select !== undefined ? { select: strings(select) } : {}),
    extend: strings(extend),
    ignore: ignores.flatMap(strings),
  }
}

function entries(dir: string, table: unknown): PerFileEntry<unknown>[] {
  return isTable(table) ? Object.entries(table).map(([pattern, value]) => ({ dir, pattern, value })) : []
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}

/** ruff's own check of one file's settings: unknown keys, wrong types, unknown selectors, bad globs. */
export function validateRuffConfig(config: RuffConfigFile): void {
  try {
    workspaceFor(config.options)
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error))
      .replace(/^(Error: )+/, '')
      .replace(/ from the CLI$/, '')
    const short = reason.length > 400 ? `${reason.slice(0, 400)}…` : reason
    throw new UserError(
      'PYTHON_LINT_CONFIG',
      `${config.file}: ruff rejects its settings: ${short}`,
      'fix the setting (reference: https://docs.astral.sh/ruff/settings/)',
    )
  }
}
