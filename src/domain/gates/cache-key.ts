import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileDigest } from '../../foundation/fs/file-digest.ts'
import type { CacheInputs } from './gate.ts'
import { PACKAGE_ROOT } from './repo-files.ts'

/**
 * The result-cache key of a gate run: sha256 over the gate name, its resolved config, the
 * scanners' own source (a changed scanner is a changed tool), tool versions, and the hashed
 * contents (and, where asked, the path+size listing) of its input files.
 */
export function cacheKey(
  gate: string,
  config: unknown,
  root: string,
  files: readonly string[],
  inputs: CacheInputs,
): string {
  const h = createHash('sha256')
  h.update(`codex-gates cache v1\0${gate}\0${canonicalJson(config)}\0${scannerSourceHash()}\0`)
  for (const [k, v] of Object.entries(inputs.extra ?? {}).sort(([a], [b]) => a.localeCompare(b)))
    h.update(`${k}=${v}\0`)
  if (inputs.listing) {
    for (const f of files) h.update(`L${f}\0${sizeOf(join(root, f))}\0`)
  }
  for (const f of [...new Set(inputs.contents)].sort()) {
    h.update(`C${f}\0`)
    h.update(fileDigest(join(root, f)) ?? 'missing')
  }
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

/** sha256 of src/domain/gates/*.ts and the shared secret shapes and names, once per process. */
export function scannerSourceHash(): string {
  if (!sourceHash) {
    const h = createHash('sha256')
    const dir = join(PACKAGE_ROOT, 'src', 'domain', 'gates')
    const sources = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .sort()
      .map((f) => join(dir, f))
    const shared = ['secret-patterns.ts', 'secret-names.ts'].map((f) =>
      join(PACKAGE_ROOT, 'src', 'foundation', 'redact', f),
    )
    for (const path of [...sources, ...shared]) {
      h.update(path.slice(PACKAGE_ROOT.length))
      h.update(readFileSync(path))
    }
    sourceHash = h.digest('hex')
  }
  return sourceHash
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size
  } catch {
    return -1
  }
}
