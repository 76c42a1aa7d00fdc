import type { BigIntStats } from 'node:fs'
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { nodeCrypto } from '../lazy/node-crypto.ts'
import type { GitIndex } from './git-index.ts'

const hashed = new Map<string, { stamp: string; oid: string; takenAt: number }>()

/**
 * A file's git blob id (SHA-1 of `blob <size>\0<bytes>`), as `git hash-object` gives it, or null
 * when it cannot be read. A file whose stat data (mtime and ctime to the nanosecond, size, inode;
 * a regular file, symlinks followed) matches its entry in `index`, and that was last modified
 * before the index was written (git's racy-file rule), is not read: the index already holds its blob id. Anything else is
 * hashed, once per process while its stat data holds (`remember: false`: every time), so both
 * ways give the same id. `stat`: the file's stat data when the caller has just taken it.
 */
export function blobDigest(
  root: string,
  file: string,
  index: GitIndex | undefined,
  options: { remember?: boolean; stat?: BigIntStats } = {},
): string | null {
  const path = join(root, file)
  let stat: BigIntStats
  try {
    stat = options.stat ?? statSync(path, { bigint: true })
  } catch {
    return null
  }
  if (!stat.isFile()) return null
  const entry = index?.entries.get(file)
  const mtimeS = Number(stat.mtimeNs / 1_000_000_000n)
  const mtimeNs = Number(stat.mtimeNs % 1_000_000_000n)
  // ctime as git compares it (core.trustctime): an edit whose mtime was put back (`touch -r`) still shows.
  const ctimeS = Number(stat.ctimeNs / 1_000_000_000n)
  const ctimeNs = Number(stat.ctimeNs % 1_000_000_000n)
  if (
    entry &&
    index &&
    (entry.mode & 0o170000) === 0o100000 &&
    entry.mtimeS === mtimeS &&
    entry.mtimeNs === mtimeNs &&
    entry.ctimeS === ctimeS &&
    entry.ctimeNs === ctimeNs &&
    entry.size === Number(stat.size & 0xffffffffn) &&
    entry.ino === Number(stat.ino & 0xffffffffn) &&
    Number(stat.mtimeMs) < index.mtimeMs
  )
    return entry.oid
  const stamp = `${stat.mtimeNs}:${stat.ctimeNs}:${stat.size}:${stat.ino}`
  const known = options.remember === false ? undefined : hashed.get(path)
  // Reused only for a file settled before it was hashed: an edit within the same mtime tick cannot hide.
  if (known?.stamp === stamp && known.takenAt - Number(stat.mtimeMs) >= SETTLED_MS) return known.oid
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch {
    return null
  }
  const oid = gitBlobId(bytes)
  hashed.set(path, { stamp, oid, takenAt: Date.now() })
  return oid
}

/** git's blob id of these bytes (`git hash-object`). */
export function gitBlobId(bytes: Uint8Array): string {
  return nodeCrypto().createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex')
}

// --- internal ---

const SETTLED_MS = 2_000
