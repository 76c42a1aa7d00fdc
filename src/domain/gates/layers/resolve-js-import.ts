import { posix } from 'node:path'
import { aliasTargets, type TsAliases } from './read-ts-aliases.ts'
import { npmPackageName, type RepoIndex, type Resolution } from './resolution.ts'

/** The root package.json fields resolution reads: `name` (self-references), `imports` (`#x`), `exports`. */
export interface PackageInfo {
  name?: string
  imports?: Record<string, unknown>
  exports?: unknown
}

/**
 * Resolves a JS/TS specifier from the repo-relative file `from`: relative specifiers with
 * TypeScript's ESM convention (`./x.js` → `x.ts`, `.mjs` → `.mts`, `.jsx` → `.tsx`), extension
 * probing and `index` files; `#x` through package.json `imports`; tsconfig `paths` and
 * `baseUrl`; the package's own name through `exports` (or its folders); anything else is an
 * external package by name.
 */
export function resolveJsImport(
  from: string,
  specifier: string,
  repo: RepoIndex,
  aliases: TsAliases | undefined,
  pkg: PackageInfo | undefined,
): Resolution {
  const spec = specifier
  if (spec === '.' || spec === '..' || spec.startsWith('./') || spec.startsWith('../')) {
    // Bundler queries (`./icon.svg?raw`) are not part of the path.
    const base = posix.join(posix.dirname(from), spec.replace(/\?.*$/, ''))
    if (base === '..' || base.startsWith('../')) return { kind: 'none' }
    const hit = probe(base, repo)
    return hit ? { kind: 'file', path: hit } : { kind: 'unresolved', reason: `no file ${base}{.ts,.js,/index.ts,…}` }
  }
  if (spec.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(spec)) {
    // node:fs is a built-in; data:, https:, file: and absolute paths are nothing of ours.
    return spec.startsWith('node:') ? { kind: 'external', package: npmPackageName(spec) } : { kind: 'none' }
  }
  if (spec.startsWith('#')) {
    const target = pkg?.imports ? mapSubpath(pkg.imports, spec) : undefined
    if (target === undefined) return { kind: 'unresolved', reason: `package.json "imports" has no entry for ${spec}` }
    if (!target.startsWith('./')) return { kind: 'external', package: npmPackageName(target) }
    const hit = probe(posix.normalize(target), repo)
    return hit ? { kind: 'file', path: hit } : { kind: 'unresolved', reason: `"imports" maps ${spec} to ${target}` }
  }
  if (aliases) {
    const targets = aliasTargets(aliases, spec)
    for (const t of targets) {
      const hit = probe(t, repo)
      if (hit) return { kind: 'file', path: hit }
    }
    if (aliases.baseUrl !== undefined) {
      const hit = probe(posix.join(aliases.baseUrl, spec), repo)
      if (hit) return { kind: 'file', path: hit }
    }
  }
  const name = npmPackageName(spec)
  if (pkg?.name && name === pkg.name) {
    const subpath = `.${spec.slice(name.length)}`
    const mapped = pkg.exports !== undefined ? mapExports(pkg.exports, subpath) : undefined
    const hit = probe(posix.normalize(mapped ?? subpath), repo)
    if (hit) return { kind: 'file', path: hit }
    return { kind: 'unresolved', reason: `the package's own ${subpath} names no file` }
  }
  return { kind: 'external', package: name }
}

/**
 * The first repository file a module path names: TypeScript's source for a `.js`-family
 * extension, the path itself, the path plus an extension, or its `index` file.
 */
export function probe(base: string, repo: RepoIndex): string | undefined {
  const clean = base.replace(/\/$/, '')
  const ext = posix.extname(clean)
  const sources = SOURCE_FOR[ext]
  if (sources) {
    const stem = clean.slice(0, -ext.length)
    for (const s of sources) if (repo.isFile(stem + s)) return stem + s
  }
  if (ext !== '' && repo.isFile(clean)) return clean
  for (const e of PROBE) if (repo.isFile(clean + e)) return clean + e
  if (repo.isDir(clean)) {
    for (const e of PROBE) if (repo.isFile(`${clean}/index${e}`)) return `${clean}/index${e}`
  }
  return undefined
}

// --- internal ---

/**
 * The file an import written with a JavaScript extension stands for: TypeScript's source when
 * there is one, else the JavaScript file that runs, and only then its declaration file.
 */
const SOURCE_FOR: Record<string, string[]> = {
  '.js': ['.ts', '.tsx', '.js', '.d.ts'],
  '.jsx': ['.tsx', '.jsx'],
  '.mjs': ['.mts', '.mjs', '.d.mts'],
  '.cjs': ['.cts', '.cjs', '.d.cts'],
}

const PROBE = ['.ts', '.tsx', '.d.ts', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.json']

/** Conditions tried in order when a target is a conditions object: sources and ESM first. */
const CONDITIONS = ['source', 'types', 'import', 'node', 'module', 'default', 'require']

/** package.json `imports`/`exports`-style lookup: exact key, else the longest `*` pattern. */
function mapSubpath(map: Record<string, unknown>, key: string): string | undefined {
  if (key in map) return pickTarget(map[key], '')
  let best: { prefix: string; suffix: string; target: unknown } | undefined
  for (const [pattern, target] of Object.entries(map)) {
    const star = pattern.indexOf('*')
    if (star === -1) continue
    const prefix = pattern.slice(0, star)
    const suffix = pattern.slice(star + 1)
    if (!key.startsWith(prefix) || !key.endsWith(suffix) || key.length < prefix.length + suffix.length) continue
    if (!best || prefix.length > best.prefix.length) best = { prefix, suffix, target }
  }
  if (!best) return undefined
  return pickTarget(best.target, key.slice(best.prefix.length, key.length - best.suffix.length))
}

function mapExports(exports: unknown, subpath: string): string | undefined {
  if (typeof exports === 'string' || Array.isArray(exports))
    return subpath === '.' ? pickTarget(exports, '') : undefined
  if (typeof exports !== 'object' || exports === null) return undefined
  const map = exports as Record<string, unknown>
  const isSubpathMap = Object.keys(map).some((k) => k.startsWith('.'))
  if (!isSubpathMap) return subpath === '.' ? pickTarget(map, '') : undefined
  return mapSubpath(map, subpath)
}

function pickTarget(target: unknown, star: string): string | undefined {
  if (typeof target === 'string') return target.replace(/\*/g, star)
  if (Array.isArray(target)) {
    for (const t of target) {
      const picked = pickTarget(t, star)
      if (picked !== undefined) return picked
    }
    return undefined
  }
  if (typeof target === 'object' && target !== null) {
    const conditions = target as Record<string, unknown>
    for (const c of CONDITIONS) {
      if (c in conditions) {
        const picked = pickTarget(conditions[c], star)
        if (picked !== undefined) return picked
      }
    }
  }
  return undefined
}
