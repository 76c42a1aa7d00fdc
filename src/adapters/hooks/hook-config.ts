import { mkdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { readBuiltDigest, scannerSourceHash } from '../../domain/gates/cache-key.ts'
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

/**
 * The cache key: the config's identity (its blob id, or the CODEX_GATES_CONFIG file's bytes), the
 * schema's and that of the code that applies defaults, joined. Each is a digest already, so the
 * key is not hashed again: from the hook bundle both come from its stamp, and a commit computes
 * its key without loading node:crypto (~3 ms before the first check starts).
 */
export function configKey(configBlob: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const explicit = envValue('CODEX_GATES_CONFIG', env)
  const config = explicit ? `file:${explicit}:${fileHash(explicit)}` : `blob:${configBlob ?? 'none'}`
  return `${config}\0schema:${schemaIdentity()}\0defaults:${defaultsIdentity()}`
}

// --- internal ---

/** The schema, repo-relative: a data input of the hook bundle (.husky/runner-bundle.mjs). */
export const SCHEMA = 'configs/schemas/codex-gates.schema.json'

/** The schema's sha256 as `scripts/build-dist.mjs` writes it into dist/src (the installed package's hooks read it). */
export const SCHEMA_HASH_FILE = 'config-schema-sha256.txt'

/** The hook bundle's stamp data this code reads (src/foundation/build/prebuilt-bundle.mjs writes it). */
interface Stamp {
  inputs?: Record<string, string>
  digests?: Record<string, string>
}

/**
 * The schema's identity, once per process (a commit asks for the key twice: the early lint, then
 * the run): its sha1 from the bundle's stamp, else its sha256 as dist/ was built with it (in the
 * installed package), else the sha256 of the file.
 */
let schema: string | undefined
function schemaIdentity(): string {
  schema ??= stampValue((s) => s.inputs?.[SCHEMA]) ?? builtSchemaHash() ?? fileHash(join(PACKAGE_ROOT, SCHEMA))
  return schema
}

/** dist/src/config-schema-sha256.txt, this module being dist/src/adapters/hooks/hook-config.js; undefined elsewhere. */
function builtSchemaHash(): string | undefined {
  return readBuiltDigest(new URL(`../../${SCHEMA_HASH_FILE}`, import.meta.url))
}

/**
 * What the resolved defaults depend on: the gates' sources. Running from the hook bundle, its
 * stamp holds their digest, computed when it was built from the very sources it was checked
 * against; elsewhere (tsx, dist) the sources are hashed.
 */
let identity: string | undefined
function defaultsIdentity(): string {
  identity ??= stampValue((s) => s.digests?.['gate-sources'], 'bundle:') ?? scannerSourceHash()
  return identity
}

/** A value of the stamp beside this code (the hook bundle's), prefixed; undefined outside the bundle. */
function stampValue(pick: (stamp: Stamp) => string | undefined, prefix = ''): string | undefined {
  const value = bundleStamp() ? pick(bundleStamp() as Stamp) : undefined
  return value === undefined ? undefined : prefix + value
}

/** The launcher's parsed stamp when it is this bundle's (bundle-stamp.cjs), else read from the file. */
let stamp: Stamp | null | undefined
function bundleStamp(): Stamp | null {
  if (stamp !== undefined) return stamp
  const path = fileURLToPath(new URL('./stamp.json', import.meta.url))
  const fresh = (globalThis as Record<symbol, { path?: string; stamp?: Stamp } | undefined>)[FRESH_STAMP]
  try {
    stamp = fresh?.path === path && fresh.stamp ? fresh.stamp : (JSON.parse(readFileSync(path, 'utf8')) as Stamp)
  } catch {
    stamp = null
  }
  return stamp
}

/** bundle-stamp.cjs's FRESH_STAMP. */
const FRESH_STAMP = Symbol.for('codex-gates.fresh-stamp')

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
