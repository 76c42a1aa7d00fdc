import { mkdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { scannerSourceHash } from '../../domain/gates/cache-key.ts'
import type { GatesConfig } from '../../domain/gates/gates-config.ts'
import { PACKAGE_ROOT } from '../../domain/gates/repo-files.ts'
import { writeFileAtomic } from '../../foundation/fs/write-file-atomic.ts'
import { nodeCrypto } from '../../foundation/lazy/node-crypto.ts'
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

/**
 * The config a hook run will resolve, when the cache already holds it (undefined on a miss): lets
 * the hook decide early what to start (the gate worker only for enabled gates) without validating.
 */
export function cachedHookConfig(
  configBlob: string | undefined,
  cacheFile: string,
  env: NodeJS.ProcessEnv = process.env,
): GatesConfig | undefined {
  return readCache(cacheFile)[configKey(configBlob, env)]
}

/** The cache key: sha256 over the config's identity, the schema and the code that applies defaults. */
export function configKey(configBlob: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const explicit = envValue('CODEX_GATES_CONFIG', env)
  const hash = nodeCrypto().createHash('sha256')
  hash.update(explicit ? `file:${explicit}:${fileHash(explicit)}` : `blob:${configBlob ?? 'none'}`)
  hash.update(`\0${schemaHash()}`)
  hash.update(`\0${defaultsIdentity()}`) // the defaults live in the gates' sources
  return hash.digest('hex')
}

/**
 * The schema's hash, once per process: it is this package's own file, and a commit asks for the
 * key twice (the early lint, then the run), each reading and hashing it.
 */
let schema: string | undefined
function schemaHash(): string {
  schema ??= fileHash(join(PACKAGE_ROOT, 'configs', 'schemas', 'codex-gates.schema.json'))
  return schema
}

// --- internal ---

/** The gate sources' scope in `scannerSourceHash` (src/domain/gates/cache-key.ts). */
const GATE_SOURCES = /^src\/(?:domain\/gates|foundation\/redact)\//

/**
 * What the resolved defaults depend on: the gates' sources. Running from the hook bundle, its
 * stamp (.codex/hook/stamp.json, beside this chunk) already holds the hash of every source the
 * running code was built from, so those of the gates are taken from it instead of reading and
 * hashing ~200 files on every commit; elsewhere (tsx, dist) the sources are hashed.
 */
let identity: string | undefined
function defaultsIdentity(): string {
  identity ??= readDefaultsIdentity()
  return identity
}

function readDefaultsIdentity(): string {
  let stamp: { inputs?: Record<string, string> }
  try {
    stamp = JSON.parse(readFileSync(new URL('./stamp.json', import.meta.url), 'utf8'))
  } catch {
    return scannerSourceHash()
  }
  const gates = Object.entries(stamp.inputs ?? {}).filter(([path]) => GATE_SOURCES.test(path))
  if (gates.length === 0) return scannerSourceHash()
  return `bundle:${nodeCrypto().createHash('sha256').update(JSON.stringify(gates)).digest('hex')}`
}

function fileHash(path: string): string {
  try {
    return nodeCrypto().createHash('sha256').update(readFileSync(path)).digest('hex')
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
