import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
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
  const h = createHash('sha256')
  h.update(`codex-gates cache v2\0${gate}\0${canonicalJson(config)}\0${scannerSourceHash()}\0`)
  for (const [k, v] of Object.entries(inputs.extra ?? {}).sort(([a], [b]) => a.localeCompare(b)))
    h.update(`${k}=${v}\0`)
  if (inputs.listing) {
    for (const f of files) h.update(`L${f}\0${look.size(f)}\0`)
  }
  for (const f of [...new Set(inputs.contents)].sort()) {
    h.update(`C${f}\0`)
    h.update(look.digest(f) ?? 'missing')
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

/**
 * sha256 of every scanner source (`src/domain/gates/**`, and the shared secret shapes and masking
 * in `src/foundation/redact/`), once per process: a changed scanner never reuses a cached result.
 * In the installed package the compiled `dist/src/` files are hashed instead.
 */
export function scannerSourceHash(): string {
  if (!sourceHash) {
    const h = createHash('sha256')
    const source = existsSync(join(PACKAGE_ROOT, 'src', 'domain', 'gates'))
    const base = source ? join(PACKAGE_ROOT, 'src') : join(PACKAGE_ROOT, 'dist', 'src')
    const extension = source ? '.ts' : '.js'
    for (const dir of [join(base, 'domain', 'gates'), join(base, 'foundation', 'redact')]) {
      for (const path of filesUnder(dir, extension)) {
        h.update(path.slice(base.length))
        h.update(readFileSync(path))
      }
    }
    sourceHash = h.digest('hex')
  }
  return sourceHash
}

/** Files with `extension` under `dir`, recursively, sorted. */
function filesUnder(dir: string, extension: string): string[] {
  return (readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((f) => f.endsWith(extension))
    .sort()
    .map((f) => join(dir, f))
}
