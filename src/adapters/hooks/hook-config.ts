import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { scannerSourceHash } from '../../domain/gates/cache-key.ts'
import type { GatesConfig } from '../../domain/gates/gates-config.ts'
import { PACKAGE_ROOT } from '../../domain/gates/repo-files.ts'
import { writeFileAtomic } from '../../foundation/fs/write-file-atomic.ts'
import { envValue } from '../../foundation/settings/env-value.ts'

/** How many resolved configs the cache keeps (one per config version a repository has seen). */
const KEEP = 16

/**
 * The gate config for a hook run, as committed. Validating codex-gates.json means loading and
 * compiling ajv: 150–450 ms on this machine, a third of the commit budget. A config that already
 * validated is taken from a small cache in the git dir instead, keyed by everything the result
 * depends on: the committed config's blob id (or the CODEX_GATES_CONFIG file's bytes), the JSON
 * Schema and the defaults' source. On a miss (or a broken cache) the real loader runs — imported
 * lazily, so ajv is never loaded on a hit — and its errors reach the user unchanged.
 */
export async function loadHookConfig(
  root: string,
  configBlob: string | undefined,
  cacheFile: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<GatesConfig> {
  const key = configKey(configBlob, env)
  const cache = cacheFile ? readCache(cacheFile) : {}
  const hit = cache[key]
  if (hit) return hit
  const { loadGatesConfig } = await import('../../domain/gates/gates-config.ts')
  const config = loadGatesConfig(root, env)
  if (cacheFile) writeCache(cacheFile, { ...cache, [key]: config })
  return config
}

/** The cache key: sha256 over the config's identity, the schema and the code that applies defaults. */
export function configKey(configBlob: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const hash = createHash('sha256')
  const explicit = envValue('CODEX_GATES_CONFIG', env)
  hash.update(explicit ? `file:${explicit}:${fileHash(explicit)}` : `blob:${configBlob ?? 'none'}`)
  hash.update(`\0${fileHash(join(PACKAGE_ROOT, 'configs', 'schemas', 'codex-gates.schema.json'))}`)
  hash.update(`\0${scannerSourceHash()}`) // the defaults live in the gates' sources
  return hash.digest('hex')
}

// --- internal ---

function fileHash(path: string): string {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex')
  } catch {
    return 'missing'
  }
}

function readCache(path: string): Record<string, GatesConfig> {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, GatesConfig>) : {}
  } catch {
    return {}
  }
}

function writeCache(path: string, cache: Record<string, GatesConfig>): void {
  const keys = Object.keys(cache)
  const kept = Object.fromEntries(keys.slice(Math.max(0, keys.length - KEEP)).map((k) => [k, cache[k]]))
  try {
    mkdirSync(dirname(path), { recursive: true })
    writeFileAtomic(path, `${JSON.stringify(kept)}\n`)
  } catch {
    // A cache that cannot be written only costs the next commit the validation again.
  }
}
