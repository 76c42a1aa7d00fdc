import { builtinModules } from 'node:module'

/** Where an import leads. */
export type Resolution =
  /** A file of the repository (repo-relative POSIX path). */
  | { kind: 'file'; path: string }
  /** An installed package or a runtime built-in: `react`, `@scope/pkg`, `node:fs`, `numpy`. */
  | { kind: 'external'; package: string }
  /** A specifier that should name a repository file but names none (a typo, a deleted file). */
  | { kind: 'unresolved'; reason: string }
  /** Nothing to check: outside the repository, or a Python namespace package (a folder, no file). */
  | { kind: 'none' }

/** What resolution needs of the repository: which files and folders exist. */
export interface RepoIndex {
  /** True for an existing regular file (repo-relative POSIX path). */
  isFile(path: string): boolean
  /** True for a folder holding at least one file. */
  isDir(path: string): boolean
  /** True for a folder holding at least one Python file, at any depth (a possible namespace package). */
  isPyDir(path: string): boolean
  /** Text of a repo-relative file, or undefined. */
  read(path: string): string | undefined
}

/**
 * The package an npm specifier names: `@scope/pkg/sub` → `@scope/pkg`, `lodash/fp` → `lodash`;
 * Node built-ins with or without `node:` → `node:fs`.
 */
export function npmPackageName(specifier: string): string {
  if (specifier.startsWith('node:')) return `node:${specifier.slice(5).split('/')[0]}`
  const parts = specifier.split('/')
  const name = specifier.startsWith('@') && parts.length > 1 ? `${parts[0]}/${parts[1]}` : (parts[0] as string)
  return BUILTINS.has(name) ? `node:${name}` : name
}

/**
 * A matcher for package names in rules: exact names or `*` globs (`@aws-sdk/*`); `fs` and
 * `node:fs` name the same built-in.
 */
export function packageMatcher(names: readonly string[]): (pkg: string) => boolean {
  const exact = new Set<string>()
  const patterns: RegExp[] = []
  for (const name of names) {
    if (name.includes('*')) {
      patterns.push(new RegExp(`^${name.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`))
    } else {
      // Both forms: `path` is a Python package as well as Node's built-in `node:path`.
      exact.add(name)
      exact.add(npmPackageName(name))
    }
  }
  return (pkg) => exact.has(pkg) || patterns.some((p) => p.test(pkg))
}

// --- internal ---

const BUILTINS = new Set(builtinModules.filter((m) => !m.startsWith('_')))
