import { posix } from 'node:path'
import { UserError } from '../../../foundation/errors/user-error.ts'
import { parseJsonc } from './parse-jsonc.ts'

/** One `compilerOptions.paths` entry: `@app/*` → `['src/app/*']`. */
export interface PathAlias {
  prefix: string
  /** After the `*`; empty for an exact pattern. */
  suffix: string
  wildcard: boolean
  /** Targets, relative to TsAliases.pathsBase, `*` substituted. */
  targets: string[]
}

/** A tsconfig's module aliases, merged through `extends`; directories are repo-relative POSIX ('' = root). */
export interface TsAliases {
  /** Most specific pattern first (longest prefix), as TypeScript matches them. */
  paths: PathAlias[]
  /** The folder `paths` targets are relative to: baseUrl if set, else the folder of the config that set `paths`. */
  pathsBase: string
  baseUrl: string | undefined
  /** Repo-relative config files read, for the result cache. */
  files: string[]
}

/**
 * Reads `tsconfig` (repo-relative) and the configs it `extends` (relative paths, or packages
 * under the root's node_modules), later ones overriding earlier, as TypeScript merges them.
 * `read` returns a repo-relative file's text or undefined. Undefined when there is no tsconfig.
 */
export function readTsAliases(tsconfig: string, read: (path: string) => string | undefined): TsAliases | undefined {
  const files: string[] = []
  let baseUrl: string | undefined
  let paths: Record<string, unknown> | undefined
  let pathsDir = ''
  const load = (path: string, chain: string[]): boolean => {
    const text = read(path)
    if (text === undefined) return false
    if (chain.includes(path)) {
      throw new UserError(
        'LAYERS_TSCONFIG',
        `${path} extends itself through ${chain.join(' → ')}`,
        'remove the loop from the "extends" chain',
      )
    }
    files.push(path)
    let json: unknown
    try {
      json = parseJsonc(text)
    } catch (error) {
      throw new UserError(
        'LAYERS_TSCONFIG',
        `${path} is not valid JSON: ${(error as Error).message}`,
        `fix the syntax of ${path} (the layers gate reads its compilerOptions.paths)`,
      )
    }
    const config = (typeof json === 'object' && json !== null ? json : {}) as {
      extends?: unknown
      compilerOptions?: { baseUrl?: unknown; paths?: unknown }
    }
    const dir = posix.dirname(path) === '.' ? '' : posix.dirname(path)
    const parents = typeof config.extends === 'string' ? [config.extends] : config.extends
    if (Array.isArray(parents)) {
      for (const parent of parents) {
        if (typeof parent !== 'string') continue
        const found = extendsCandidates(dir, parent).find((c) => load(c, [...chain, path]))
        if (!found && (parent.startsWith('.') || parent.startsWith('/'))) {
          throw new UserError(
            'LAYERS_TSCONFIG',
            `${path} extends "${parent}", which does not exist`,
            `fix "extends" in ${path}`,
          )
        }
      }
    }
    const options = config.compilerOptions ?? {}
    if (typeof options.baseUrl === 'string') baseUrl = posix.join(dir, options.baseUrl)
    if (typeof options.paths === 'object' && options.paths !== null) {
      paths = options.paths as Record<string, unknown>
      pathsDir = dir
    }
    return true
  }
  if (!load(posix.normalize(tsconfig), [])) return undefined
  const base = normalizeDir(baseUrl ?? pathsDir)
  const aliases: PathAlias[] = []
  for (const [pattern, targets] of Object.entries(paths ?? {})) {
    if (!Array.isArray(targets)) continue
    const star = pattern.indexOf('*')
    aliases.push({
      prefix: star === -1 ? pattern : pattern.slice(0, star),
      suffix: star === -1 ? '' : pattern.slice(star + 1),
      wildcard: star !== -1,
      targets: targets.filter((t): t is string => typeof t === 'string'),
    })
  }
  aliases.sort((a, b) => b.prefix.length - a.prefix.length)
  return {
    paths: aliases,
    pathsBase: base,
    baseUrl: baseUrl === undefined ? undefined : normalizeDir(baseUrl),
    files,
  }
}

/** The alias targets (repo-relative, unprobed) for a specifier, most specific pattern first; [] when none matches. */
export function aliasTargets(aliases: TsAliases, specifier: string): string[] {
  for (const a of aliases.paths) {
    if (!a.wildcard) {
      if (specifier === a.prefix) return a.targets.map((t) => posix.join(aliases.pathsBase, t))
      continue
    }
    if (specifier.length < a.prefix.length + a.suffix.length) continue
    if (!specifier.startsWith(a.prefix) || !specifier.endsWith(a.suffix)) continue
    const star = specifier.slice(a.prefix.length, specifier.length - a.suffix.length)
    return a.targets.map((t) => posix.join(aliases.pathsBase, t.replace('*', star)))
  }
  return []
}

// --- internal ---

function extendsCandidates(dir: string, parent: string): string[] {
  if (parent.startsWith('.') || parent.startsWith('/')) {
    const p = posix.normalize(parent.startsWith('/') ? parent : posix.join(dir, parent))
    return p.endsWith('.json') ? [p] : [p, `${p}.json`, posix.join(p, 'tsconfig.json')]
  }
  const p = posix.join('node_modules', parent)
  return p.endsWith('.json') ? [p] : [p, `${p}.json`, posix.join(p, 'tsconfig.json')]
}

function normalizeDir(dir: string): string {
  const d = posix.normalize(dir)
  return d === '.' || d === './' ? '' : d.replace(/\/$/, '')
}
