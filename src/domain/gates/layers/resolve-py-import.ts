import { posix } from 'node:path'
import type { RepoIndex, Resolution } from './resolution.ts'
import type { SourceImport } from './source-import.ts'

/** A Python file's dotted module name under the source root that holds it. */
export interface PyModule {
  /** Source root, repo-relative ('' = the repository root). */
  root: string
  /** `pkg/sub/mod.py` → ['pkg', 'sub', 'mod']; `pkg/__init__.py` → ['pkg']. */
  parts: string[]
  /** An `__init__.py(i)`: the module is a package, so `.` is itself. */
  isPackage: boolean
}

/** What a Python import leads to; `beyondTop` when a relative import climbs above the top-level package. */
export type PyResolution = Resolution | { kind: 'beyond-top'; reason: string }

/**
 * The module of a Python file under the most specific configured root containing it (`src/`
 * before `.`), or the repository root when none does.
 */
export function pyModuleOf(file: string, roots: readonly string[]): PyModule {
  let root = ''
  for (const r of roots) {
    const dir = normalizeRoot(r)
    if ((dir === '' || file.startsWith(`${dir}/`)) && dir.length >= root.length) root = dir
  }
  const rel = root === '' ? file : file.slice(root.length + 1)
  const parts = rel.replace(/\.pyi?$/, '').split('/')
  const isPackage = parts[parts.length - 1] === '__init__'
  if (isPackage) parts.pop()
  return { root, parts, isPackage }
}

/**
 * Resolves one Python import of `from`: one result per module it names (`import a, b` comes
 * as separate imports; `from m import x, y` gives x and y when they are submodules, else m).
 * Absolute names are looked up under each root in order (module file, `.pyi`, package
 * `__init__`, namespace folder); a first segment found under no root is an external package.
 * Relative ones resolve from the importing module's package; climbing above its top-level
 * package is `beyond-top`.
 */
export function resolvePyImport(
  from: string,
  imp: SourceImport,
  repo: RepoIndex,
  roots: readonly string[],
): PyResolution[] {
  const dots = /^\.*/.exec(imp.specifier)?.[0].length ?? 0
  const rest = imp.specifier.slice(dots)
  const restParts = rest === '' ? [] : rest.split('.')
  const names = imp.names?.filter((n) => n !== '*') ?? []
  if (dots === 0) {
    for (const r of roots) {
      const root = normalizeRoot(r)
      if (!findModule(root, restParts.slice(0, 1), repo)) continue
      return lookup(root, restParts, names, repo, imp.specifier)
    }
    return [{ kind: 'external', package: restParts[0] as string }]
  }
  const mod = pyModuleOf(from, roots)
  const pkg = mod.isPackage ? mod.parts : mod.parts.slice(0, -1)
  if (dots > pkg.length) {
    const where = pkg.length === 0 ? `${from} is in no package` : `${from} is in package ${pkg.join('.')}`
    return [
      {
        kind: 'beyond-top',
        reason: `${where}; "${imp.specifier}" climbs ${dots - 1} level(s) above it, beyond the top-level package`,
      },
    ]
  }
  const base = pkg.slice(0, pkg.length - (dots - 1))
  return lookup(mod.root, [...base, ...restParts], names, repo, imp.specifier)
}

// --- internal ---

function lookup(root: string, parts: string[], names: string[], repo: RepoIndex, written: string): PyResolution[] {
  const out: PyResolution[] = []
  let needModule = names.length === 0
  for (const name of names) {
    // `from m import x`: x is a submodule when such a file exists, else a name defined in m.
    const sub = findModule(root, [...parts, name], repo)
    if (sub) out.push(sub)
    else needModule = true
  }
  if (needModule) {
    const m = parts.length === 0 ? undefined : findModule(root, parts, repo)
    out.push(
      m ?? {
        kind: 'unresolved',
        reason: `no module ${posix.join(root, ...parts)}{.py,/__init__.py} for "${written}"`,
      },
    )
  }
  return out
}

function findModule(root: string, parts: string[], repo: RepoIndex): Resolution | undefined {
  if (parts.length === 0) return undefined
  const base = posix.join(root, ...parts)
  for (const candidate of [`${base}.py`, `${base}.pyi`, `${base}/__init__.py`, `${base}/__init__.pyi`]) {
    if (repo.isFile(candidate)) return { kind: 'file', path: candidate }
  }
  // A folder without __init__.py is a namespace package: importable, but no file to point at.
  return repo.isPyDir(base) ? { kind: 'none' } : undefined
}

function normalizeRoot(root: string): string {
  const r = posix.normalize(root).replace(/\/$/, '')
  return r === '.' ? '' : r
}
