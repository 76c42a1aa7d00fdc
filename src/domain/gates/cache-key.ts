import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { nodeCrypto } from '../../foundation/lazy/node-crypto.ts'
import type { CacheInputs } from './gate.ts'
import { PACKAGE_ROOT } from './repo-files.ts'
import { freshLook, type TreeView } from './tree-view.ts'

/**
 * The result-cache key of a gate run: sha256 over the gate name, its resolved config, the
 * scanners' own source (a changed scanner is a changed tool), tool versions, and the git blob
 * ids of its input files (and, where asked, the path+size listing). A file whose stat data
 * matches git's index is not read: its blob id comes from the index, as `git status` trusts it.
 */
export function cacheKey(
  gate: string,
  config: unknown,
  root: string,
  files: readonly string[],
  inputs: CacheInputs,
  look: Pick<TreeView, 'digest' | 'size'> = freshLook(root),
): string {
  const h = nodeCrypto().createHash('sha256')
  h.update(`codex-gates cache v3\0${gate}\0${canonicalJson(config)}\0${scannerSourceHash()}\0`)
  // Code-unit order (v2 used localeCompare: loading ICU's collator cost every run ~6 ms).
  for (const [k, v] of Object.entries(inputs.extra ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    h.update(`${k}=${v}\0`)
  // Each part joined into one string and hashed in one call: the same bytes as an update per file
  // (and so the same key), without ~10,000 native calls a warm run. Each file's part is built once
  // per look: the gates of one pass share most of their files.
  const parts = partsOf(look)
  if (inputs.listing) h.update(joined(files, parts.listing, (f) => `L${f}\0${look.size(f)}\0`))
  h.update(joined(sortedUnique(inputs.contents), parts.contents, (f) => `C${f}\0${look.digest(f) ?? 'missing'}`))
  return h.digest('hex')
}

/** JSON with sorted keys: equal configs hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1)) // keys of one object are distinct: never equal
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

let sourceHash: string | undefined

/** Per look (a TreeView lives for one pass), each file's listing and contents parts, built once. */
const lookParts = new WeakMap<object, { listing: Map<string, string>; contents: Map<string, string> }>()

function partsOf(look: object): { listing: Map<string, string>; contents: Map<string, string> } {
  let parts = lookParts.get(look)
  if (!parts) {
    parts = { listing: new Map(), contents: new Map() }
    lookParts.set(look, parts)
  }
  return parts
}

/** `files.map(part).join('')`, each file's part taken from `memo` when built before. */
function joined(files: readonly string[], memo: Map<string, string>, part: (file: string) => string): string {
  let out = ''
  for (const file of files) {
    let text = memo.get(file)
    if (text === undefined) {
      text = part(file)
      memo.set(file, text)
    }
    out += text
  }
  return out
}

/**
 * `[...new Set(xs)].sort()`. Gates' contents are mostly a sorted listing with a few files appended
 * (a baseline, config files): a strictly ascending prefix is kept and the rest inserted into a copy
 * by binary search, instead of hashing and sorting all of it.
 */
export function sortedUnique(xs: readonly string[]): readonly string[] {
  let end = 1
  while (end < xs.length && (xs[end - 1] as string) < (xs[end] as string)) end++
  if (end >= xs.length) return xs
  if (xs.length - end > 16) return [...new Set(xs)].sort()
  const out = xs.slice(0, end)
  for (let i = end; i < xs.length; i++) {
    const x = xs[i] as string
    let lo = 0
    let hi = out.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((out[mid] as string) < x) lo = mid + 1
      else hi = mid
    }
    if (out[lo] !== x) out.splice(lo, 0, x)
  }
  return out
}

/** Where `node scripts/build-dist.mjs` writes the compiled scanners' hash (hashScannerSources over dist/src). */
export const SCANNER_HASH_FILE = 'scanner-source-hash.txt'

/**
 * sha256 of every scanner source (`src/domain/gates/**`, and the shared secret shapes and masking
 * in `src/foundation/redact/`), once per process: a changed scanner never reuses a cached result.
 * Compiled code hashes the compiled `dist/src/` files, which the build hashes once and writes to
 * `dist/src/scanner-source-hash.txt` (reading ~190 files cost every warm run 17–40 ms); from
 * source (tsx), the `.ts` files are hashed.
 */
export function scannerSourceHash(): string {
  if (!sourceHash) {
    const compiled = import.meta.url.endsWith('.js') && existsSync(join(PACKAGE_ROOT, 'dist', 'src', 'domain', 'gates'))
    const base = compiled ? join(PACKAGE_ROOT, 'dist', 'src') : join(PACKAGE_ROOT, 'src')
    sourceHash = (compiled ? builtHash(base) : undefined) ?? hashScannerSources(base, compiled ? '.js' : '.ts')
  }
  return sourceHash
}

/** sha256 over the scanner files with `extension` under `base` (a `src/` folder): path and bytes, sorted. */
export function hashScannerSources(base: string, extension: string): string {
  const h = nodeCrypto().createHash('sha256')
  for (const dir of [join(base, 'domain', 'gates'), join(base, 'foundation', 'redact')]) {
    for (const path of filesUnder(dir, extension)) {
      h.update(path.slice(base.length))
      h.update(readFileSync(path))
    }
  }
  return h.digest('hex')
}

function builtHash(base: string): string | undefined {
  return readBuiltDigest(join(base, SCANNER_HASH_FILE))
}

/** A sha256 hex digest the build wrote to `path` (scripts/build-dist.mjs); undefined when absent or malformed. */
export function readBuiltDigest(path: string | URL): string | undefined {
  try {
    const text = readFileSync(path, 'utf8').trim()
    return /^[0-9a-f]{64}$/.test(text) ? text : undefined
  } catch {
    return undefined
  }
}

/** Files with `extension` under `dir`, recursively, sorted. */
function filesUnder(dir: string, extension: string): string[] {
  return (readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((f) => f.endsWith(extension))
    .sort()
    .map((f) => join(dir, f))
}
