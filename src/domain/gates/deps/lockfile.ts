import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { errorMessage, UserError } from '../../../foundation/errors/user-error.ts'

/** A `packages` entry of package-lock.json (lockfileVersion 2/3). */
export interface LockEntry {
  name?: string
  version?: string
  resolved?: string
  integrity?: string
  dev?: boolean
  optional?: boolean
  devOptional?: boolean
  peer?: boolean
  link?: boolean
  license?: string
  dependencies?: Record<string, string>
  devDependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
  engines?: Record<string, string> | string[]
  os?: string[]
  cpu?: string[]
}

export interface Lockfile {
  lockfileVersion: number
  packages: Record<string, LockEntry>
}

/** package.json fields the gates read. */
export interface PackageJson {
  name?: string
  version?: string
  license?: unknown
  licenses?: unknown
  engines?: Record<string, string>
  dependencies?: Record<string, string>
  devDependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
}

/** Reads a JSON file of the repository; undefined when absent, UserError when it does not parse. */
export function readJsonFile<T>(root: string, relPath: string): T | undefined {
  const path = join(root, relPath)
  if (!existsSync(path)) return undefined
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T
  } catch (error) {
    throw new UserError(
      'BAD_JSON',
      `${relPath} is not valid JSON: ${errorMessage(error)}`,
      relPath.endsWith('package-lock.json') ? 'regenerate it with `npm install --package-lock-only`' : `fix ${relPath}`,
    )
  }
}

/** The lockfile, or undefined; lockfileVersion 1 (no `packages`) is refused with the upgrade command. */
export function readLockfile(root: string): Lockfile | undefined {
  const lock = readJsonFile<Partial<Lockfile>>(root, 'package-lock.json')
  if (!lock) return undefined
  if (!lock.packages || typeof lock.packages !== 'object') {
    throw new UserError(
      'LOCKFILE_VERSION',
      `package-lock.json has lockfileVersion ${lock.lockfileVersion ?? '?'} without "packages"; the gates read version 2 or 3`,
      'upgrade it with `npm install --package-lock-only --lockfile-version 3`',
    )
  }
  return lock as Lockfile
}

/** The package name of a lock path: `node_modules/a/node_modules/@s/b` → `@s/b`. */
export function lockPathName(path: string, entry?: LockEntry): string {
  if (entry?.name) return entry.name
  const at = path.lastIndexOf('node_modules/')
  return at === -1 ? path : path.slice(at + 'node_modules/'.length)
}

/** Lock paths of installed packages (`node_modules/…`), excluding the root and workspace links. */
export function lockPackagePaths(lock: Lockfile): string[] {
  return Object.keys(lock.packages).filter((p) => p.includes('node_modules/') && !lock.packages[p]?.link)
}

/** The license string of a package.json (`license`, `{type}`, or the old `licenses` array as OR). */
export function packageLicense(pkg: PackageJson | undefined): string | undefined {
  if (!pkg) return undefined
  const l = pkg.license
  if (typeof l === 'string') return l
  if (l && typeof l === 'object' && typeof (l as { type?: unknown }).type === 'string')
    return (l as { type: string }).type
  if (Array.isArray(pkg.licenses)) {
    const types = pkg.licenses
      .map((x) => (x as { type?: unknown })?.type)
      .filter((t): t is string => typeof t === 'string')
    if (types.length > 0) return types.length === 1 ? types[0] : `(${types.join(' OR ')})`
  }
  return undefined
}
