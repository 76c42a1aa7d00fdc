import { posix } from 'node:path'
import { isTable, parseTomlFile, type TomlTable, tomlPath } from '../../../foundation/config/parse-toml-file.ts'
import { UserError } from '../../../foundation/errors/user-error.ts'

/** Reads a repo-relative text file (work tree or git index); undefined when it does not exist. */
export type ReadText = (path: string) => string | undefined

/** One ruff config file: where it is and its options (`[tool.ruff]` of a pyproject.toml). */
export interface RuffConfigFile {
  /** Repo-relative POSIX path; may start with `../` when an `extend` points outside. */
  file: string
  /** Its folder: relative paths and globs in it are resolved from here. */
  dir: string
  options: TomlTable
}

/** Config file names in the order ruff prefers them within one folder. */
export const RUFF_CONFIG_NAMES = ['.ruff.toml', 'ruff.toml', 'pyproject.toml'] as const

/**
 * The ruff config file of one folder, as ruff picks it: `.ruff.toml`, else `ruff.toml`, else a
 * `pyproject.toml` that has a `[tool.ruff]` table. Undefined when the folder has none.
 */
export function ruffConfigIn(dir: string, read: ReadText, parsed = new Map<string, TomlTable>()): string | undefined {
  for (const name of RUFF_CONFIG_NAMES) {
    const file = dir ? `${dir}/${name}` : name
    const text = read(file)
    if (text === undefined) continue
    if (name !== 'pyproject.toml') return file
    if (tomlPath(cached(file, text, parsed), 'tool', 'ruff') !== undefined) return file
  }
  return undefined
}

/**
 * A config file and the files it `extend`s, nearest first (each `extend` resolved from the
 * folder of the file that names it). A cycle, a missing file or a file that is not TOML is a
 * UserError naming the chain.
 */
export function loadRuffChain(file: string, read: ReadText, parsed = new Map<string, TomlTable>()): RuffConfigFile[] {
  const chain: RuffConfigFile[] = []
  let next: string | undefined = file
  while (next !== undefined) {
    const current: string = next
    const shownChain = [...chain.map((c) => c.file), current].join(' extends ')
    if (chain.some((c) => c.file === current)) {
      throw new UserError(
        'PYTHON_LINT_CONFIG',
        `circular ruff configuration: ${shownChain}`,
        `remove the \`extend\` that points back to ${current}`,
      )
    }
    const text = read(current)
    if (text === undefined) {
      throw new UserError(
        'PYTHON_LINT_CONFIG',
        `${chain.at(-1)?.file ?? current}: \`extend\` names ${current}, which does not exist (${shownChain})`,
        `fix the \`extend\` path; it is relative to the folder of the file that names it`,
      )
    }
    const options = ruffOptions(current, cached(current, text, parsed))
    const dir = posix.dirname(current) === '.' ? '' : posix.dirname(current)
    chain.push({ file: current, dir, options })
    const extend = options.extend
    if (extend === undefined) next = undefined
    else if (typeof extend !== 'string') {
      throw new UserError(
        'PYTHON_LINT_CONFIG',
        `${current}: \`extend\` must be a string path`,
        'write extend = "../ruff.toml"',
      )
    } else next = posix.normalize(posix.join(dir, extend))
  }
  return chain
}

/**
 * The paths a config's `extend` chain goes through, nearest first, as far as it can be followed:
 * up to and including the first file that is missing, and stopping before a cycle or at a file
 * that is not valid TOML. Never throws: for the result cache's inputs and for exporting a staged
 * chain link by link (`loadRuffChain` then reports what is wrong).
 */
export function ruffChainPaths(file: string, read: ReadText, parsed = new Map<string, TomlTable>()): string[] {
  const paths: string[] = []
  let next: string | undefined = file
  while (next !== undefined && !paths.includes(next)) {
    const current: string = next
    paths.push(current)
    const text = read(current)
    if (text === undefined) break
    let extend: unknown
    try {
      extend = ruffOptions(current, cached(current, text, parsed)).extend
    } catch {
      break
    }
    const dir = posix.dirname(current) === '.' ? '' : posix.dirname(current)
    next = typeof extend === 'string' ? posix.normalize(posix.join(dir, extend)) : undefined
  }
  return paths
}

/**
 * The minimum Python version a `requires-python` specifier allows, as ruff infers it: the lowest
 * major.minor among its `==`, `===`, `~=`, `>` and `>=` clauses, e.g. `>=3.10,<4` → `py310`.
 */
export function minimumTargetVersion(requiresPython: string): string | undefined {
  let best = Number.POSITIVE_INFINITY
  for (const clause of requiresPython.split(',')) {
    const m = /^\s*(===|==|~=|>=|>)\s*v?(\d+)\.(\d+)[\d.*]*\s*$/.exec(clause)
    // major.minor as one number (3.9 → 309) so the lowest is a plain min.
    if (m) best = Math.min(best, Number(m[2]) * 100 + Number(m[3]))
  }
  if (best < 307 || best > 315) return undefined
  return `py3${best - 300}`
}

/** `project.requires-python` of a folder's pyproject.toml, as a target version; undefined without one. */
export function requiresPythonIn(
  dir: string,
  read: ReadText,
  parsed = new Map<string, TomlTable>(),
): string | undefined {
  const file = dir ? `${dir}/pyproject.toml` : 'pyproject.toml'
  const text = read(file)
  if (text === undefined) return undefined
  const spec = tomlPath(cached(file, text, parsed), 'project', 'requires-python')
  return typeof spec === 'string' ? minimumTargetVersion(spec) : undefined
}

// --- internal ---

function cached(file: string, text: string, parsed: Map<string, TomlTable>): TomlTable {
  let table = parsed.get(file)
  if (!table) {
    table = parseTomlFile(text, file, 'PYTHON_LINT_CONFIG')
    parsed.set(file, table)
  }
  return table
}

/** A file's ruff table; a pyproject.toml without `target-version` takes it from its `requires-python`. */
function ruffOptions(file: string, table: TomlTable): TomlTable {
  if (!file.endsWith('pyproject.toml')) return table
  const ruff = tomlPath(table, 'tool', 'ruff')
  if (ruff === undefined) return {}
  if (!isTable(ruff))
    throw new UserError(
      'PYTHON_LINT_CONFIG',
      `${file}: [tool.ruff] must be a table`,
      'see https://docs.astral.sh/ruff/configuration/',
    )
  const spec = tomlPath(table, 'project', 'requires-python')
  if (ruff['target-version'] === undefined && typeof spec === 'string') {
    const inferred = minimumTargetVersion(spec)
    if (inferred) return { ...ruff, 'target-version': inferred }
  }
  return ruff
}
