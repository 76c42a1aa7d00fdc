import { tryParseToml } from '../../../foundation/config/parse-toml-file.ts'
import { addLocked, type LockFile } from './lock-file.ts'
import { canonicalizeName } from './pep508-marker.ts'
import { tomlPositions } from './toml-positions.ts'

/** poetry.lock: `[[package]]` name and version for everything Poetry resolved, groups and extras included. */
export function parsePoetryLock(text: string, path: string): LockFile {
  const lock: LockFile = { path, format: 'poetry', packages: new Map(), inputs: [{ path: '.' }], problems: [] }
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
    addLocked(lock.packages, {
      name: canonicalizeName(pkg.name),
      version: typeof pkg.version === 'string' ? pkg.version : undefined,
      line: positions.line(['package', i, 'name']) ?? positions.line(['package', i]) ?? 1,
    })
  })
  return lock
}
