import { tryParseToml } from '../../../foundation/config/parse-toml-file.ts'
import { addLocked, type LockFile, type LockInput } from './lock-file.ts'
import { canonicalizeName } from './pep508-marker.ts'
import { tomlPositions } from './toml-positions.ts'

/**
 * uv.lock (`version = 1`): one `[[package]]` per locked name and version, with the workspace
 * members (sources `editable`/`virtual`) and what uv recorded from their manifests
 * (`[package.metadata] requires-dist`, `requires-dev`), which tells a stale lock.
 */
export function parseUvLock(text: string, path: string): LockFile {
  const lock: LockFile = { path, format: 'uv', packages: new Map(), inputs: [], problems: [] }
  const parsed = tryParseToml(text)
  if ('error' in parsed) {
    lock.problems.push({ line: parsed.error.line, message: `not valid TOML: ${parsed.error.reason}` })
    return lock
  }
  const doc = parsed.table
  const positions = tomlPositions(text, { maxDepth: 3 })
  const packages = Array.isArray(doc.package) ? (doc.package as Record<string, unknown>[]) : []
  packages.forEach((pkg, i) => {
    if (typeof pkg.name !== 'string') return
    const name = canonicalizeName(pkg.name)
    const line = positions.line(['package', i, 'name']) ?? positions.line(['package', i]) ?? 1
    addLocked(lock.packages, { name, version: typeof pkg.version === 'string' ? pkg.version : undefined, line })
    const source = (pkg.source ?? {}) as Record<string, unknown>
    const member =
      typeof source.editable === 'string'
        ? source.editable
        : typeof source.virtual === 'string'
          ? source.virtual
          : undefined
    if (member !== undefined) lock.inputs.push({ path: member, recorded: recorded(pkg.metadata) })
  })
  return lock
}

// --- internal ---

type Recorded = NonNullable<LockInput['recorded']>

function recorded(metadata: unknown): Recorded {
  const meta = (metadata ?? {}) as Record<string, unknown>
  const out: Recorded = []
  const add = (list: unknown, group: (marker: string | undefined) => string) => {
    if (!Array.isArray(list)) return
    for (const item of list as Record<string, unknown>[]) {
      if (typeof item.name !== 'string') continue
      const marker = typeof item.marker === 'string' ? item.marker : undefined
      out.push({
        group: group(marker),
        name: canonicalizeName(item.name),
        specifier: typeof item.specifier === 'string' ? item.specifier : '',
        ...(marker ? { marker } : {}),
      })
    }
  }
  // uv records an extra's requirements with `extra == 'name'` in the marker.
  add(meta['requires-dist'], (marker) => /extra == '([^']+)'/.exec(marker ?? '')?.[1] ?? 'main')
  for (const [group, list] of Object.entries((meta['requires-dev'] ?? {}) as Record<string, unknown>))
    add(list, () => group)
  return out
}
