import { posix } from 'node:path'
import type { TomlTable } from '../../../foundation/config/parse-toml-file.ts'
import { loadRuffChain, type ReadText, requiresPythonIn, ruffConfigIn } from './load-ruff-chain.ts'
import {
  type MergedRuffConfig,
  mergeRuffChain,
  type PerFileEntry,
  type RootedPatterns,
  type ValidateRuffConfig,
} from './merge-ruff-chain.ts'
import { escapeGlob, ruffGlob } from './ruff-glob.ts'

/** What `lintPythonText` needs for one file: ruff-wasm settings, and whether to format-check it. */
export interface RuffFileSettings {
  /** The settings object for `new Workspace(...)`, per-file ignores and target version applied. */
  options: TomlTable
  /** False when `[format] exclude` leaves the file out of `ruff format`. */
  format: boolean
  /** The config files that apply, nearest first (empty: ruff's defaults). */
  configFiles: readonly string[]
}

export interface FileSettingsOptions {
  /**
   * The file was named directly (as pre-commit names staged files to ruff): `exclude` then
   * applies only with `force-exclude`, and `include` not at all. Default: discovered, as
   * `ruff check .` finds files, which is what the gate does.
   */
  explicit?: boolean
}

/**
 * Ruff's settings per file, found as ruff finds them: the closest `.ruff.toml` / `ruff.toml` /
 * `pyproject.toml` with `[tool.ruff]` above the file (never above the repository root), its
 * `extend` chain merged, paths and globs relative to each file's folder; with no config, ruff's
 * defaults. `read` gives file contents by repo-relative path (the work tree, or the index for
 * staged content); every path it was asked for is kept in `probed` (the result cache's inputs).
 */
export class RuffSettingsResolver {
  /** Every config path looked at, present or not: adding one of them changes the settings. */
  readonly probed = new Set<string>()
  private readonly read: ReadText
  private readonly parsed = new Map<string, TomlTable>()
  private readonly byDir = new Map<string, MergedRuffConfig>()
  private readonly byFile = new Map<string, MergedRuffConfig>()
  private readonly globs = new Map<string, RegExp>()

  private readonly validate: ValidateRuffConfig | undefined

  /** `validate`: how each config file is checked (mergeRuffChain's; default ruff's own, in this process). */
  constructor(read: ReadText, validate?: ValidateRuffConfig) {
    this.validate = validate
    this.read = (path) => {
      this.probed.add(path)
      return read(path)
    }
  }

  /** Settings for a repo-relative file; undefined when ruff would not lint it (excluded, not included). */
  fileSettings(path: string, options: FileSettingsOptions = {}): RuffFileSettings | undefined {
    // ruff-wasm lints every text as a `.py` module; stub rules differ (see PYTHON_FILE in the gate).
    if (path.endsWith('.pyi')) return undefined
    const config = this.configFor(parentOf(path))
    const abs = `/${path}`
    const name = posix.basename(path)
    if (!options.explicit || config.forceExclude) {
      if (this.excluded(path)) return undefined
      if (config.lintExclude && this.matchesSet([config.lintExclude], abs, name)) return undefined
    }
    if (!options.explicit && !this.included(config, abs, name)) return undefined
    const format = !(config.formatExclude && this.matchesSet([config.formatExclude], abs, name))
    return { options: this.optionsFor(config, abs, name), format, configFiles: config.files }
  }

  /** The merged config that applies inside a repo-relative folder (`''` = the root). */
  configFor(dir: string): MergedRuffConfig {
    const known = this.byDir.get(dir)
    if (known) return known
    const file = ruffConfigIn(dir, this.read, this.parsed)
    let config: MergedRuffConfig
    if (file) {
      config = this.byFile.get(file) ?? this.load(file)
      this.byFile.set(file, config)
    } else if (dir === '') {
      config = this.load(undefined)
    } else {
      config = this.configFor(parentOf(dir))
    }
    this.byDir.set(dir, config)
    return config
  }

  // --- internal ---

  private load(file: string | undefined): MergedRuffConfig {
    const merged = mergeRuffChain(file ? loadRuffChain(file, this.read, this.parsed) : [], this.validate)
    if (merged.options['target-version'] === undefined) {
      // ruff's fallback: `requires-python` of the nearest pyproject.toml from the config's folder up.
      for (let dir: string | undefined = merged.dir; dir !== undefined; dir = dir === '' ? undefined : parentOf(dir)) {
        const version = requiresPythonIn(dir, this.read, this.parsed)
        if (version) {
          merged.options = { ...merged.options, 'target-version': version }
          break
        }
      }
    }
    return merged
  }

  /** The traversal check: each folder on the way down, then the file, against the settings above it. */
  private excluded(path: string): boolean {
    const parts = path.split('/')
    for (let i = 1; i <= parts.length; i++) {
      const here = parts.slice(0, i).join('/')
      const config = this.configFor(parentOf(here))
      const name = parts[i - 1] as string
      const abs = `/${here}`
      if (config.exclude ? this.matchesSet([config.exclude], abs, name) : DEFAULT_EXCLUDE.has(name)) return true
      if (this.matchesSet(config.extendExclude, abs, name)) return true
    }
    return false
  }

  private included(config: MergedRuffConfig, abs: string, name: string): boolean {
    const include = config.include
      ? this.matchesSet([config.include], abs, name, { pathOnly: true })
      : DEFAULT_INCLUDE.test(abs)
    return include || this.matchesSet(config.extendInclude, abs, name, { pathOnly: true })
  }

  /**
   * ruff's `FilePattern::User`: each pattern rooted at its folder, plus the bare pattern when it
   * has no `/`; the set matches the whole path or (for excludes) the name alone.
   */
  private matchesSet(
    sets: readonly RootedPatterns[],
    abs: string,
    name: string,
    opts: { pathOnly?: boolean } = {},
  ): boolean {
    for (const { dir, patterns } of sets) {
      for (const pattern of patterns) {
        const globs = [this.glob(rooted(dir, pattern))]
        if (!pattern.includes('/')) globs.push(this.glob(pattern))
        for (const g of globs) if (g.test(abs) || (!opts.pathOnly && g.test(name))) return true
      }
    }
    return false
  }

  private optionsFor(config: MergedRuffConfig, abs: string, name: string): TomlTable {
    const ignores = new Set<string>()
    for (const entry of config.perFileIgnores)
      if (this.perFileMatch(entry, abs, name)) for (const s of entry.value) ignores.add(s)
    const version = config.perFileTargetVersion.find((entry) => this.perFileMatch(entry, abs, name))?.value
    if (ignores.size === 0 && version === undefined) return config.options
    const options: TomlTable = { ...config.options, ...(version ? { 'target-version': version } : {}) }
    // ruff-wasm lints every text under the name `<filename>`: a per-file-ignores entry for that
    // name makes ruff itself apply the selectors (prefixes, `ALL`, and RUF100's view of them).
    if (ignores.size) {
      const lint = (config.options.lint as TomlTable | undefined) ?? {}
      options.lint = { ...lint, 'per-file-ignores': { '<filename>': [...ignores].sort() } }
    }
    return options
  }

  /** ruff's `CompiledPerFileList::iter_matches`: name glob, then rooted glob; `!` inverts. */
  private perFileMatch(entry: PerFileEntry<unknown>, abs: string, name: string): boolean {
    const negated = entry.pattern.startsWith('!')
    const pattern = negated ? entry.pattern.slice(1) : entry.pattern
    const hit = this.glob(pattern).test(name) || this.glob(rooted(entry.dir, pattern)).test(abs)
    return hit !== negated
  }

  private glob(pattern: string): RegExp {
    let g = this.globs.get(pattern)
    if (!g) {
      g = ruffGlob(pattern)
      this.globs.set(pattern, g)
    }
    return g
  }
}

// --- internal ---

/** ruff's default `exclude`: folder and file names skipped at any depth. */
const DEFAULT_EXCLUDE = new Set([
  '.bzr',
  '.direnv',
  '.eggs',
  '.git',
  '.git-rewrite',
  '.hg',
  '.ipynb_checkpoints',
  '.mypy_cache',
  '.nox',
  '.pants.d',
  '.pyenv',
  '.pytest_cache',
  '.pytype',
  '.ruff_cache',
  '.svn',
  '.tox',
  '.venv',
  '.vscode',
  '__pypackages__',
  '_build',
  'buck-out',
  'build',
  'dist',
  'node_modules',
  'site-packages',
  'venv',
])

/** ruff's default `include` as it applies here: `.py` (stubs, notebooks and pyproject.toml are not linted by ruff-wasm). */
const DEFAULT_INCLUDE = /\.py$/

function parentOf(path: string): string {
  const i = path.lastIndexOf('/')
  return i === -1 ? '' : path.slice(0, i)
}

/** A pattern made absolute under the virtual root `/` (the repository), as ruff's `GlobPath::normalize`. */
function rooted(dir: string, pattern: string): string {
  if (pattern.startsWith('/')) return pattern
  return posix.normalize(`/${dir ? `${escapeGlob(dir)}/` : ''}${pattern}`)
}
