import type { BigIntStats, Stats } from 'node:fs'
import { readFileSync, statSync } from 'node:fs'
import { nodeCrypto } from '../lazy/node-crypto.ts'
import type { GitIndex, IndexEntry } from './git-index.ts'
import { repoPath } from './repo-path.ts'

/**
 * A file's stat data as the caller took it: BigIntStats (nanoseconds exactly), or plain Stats,
 * whose times are the doubles Node computes from the same seconds and nanoseconds (~1/4 µs apart
 * at today's dates); the tree listing takes plain ones, a third of the garbage of BigIntStats.
 */
export type FileStat = Stats | BigIntStats

/** A hashed file's stat stamp, blob id and when it was hashed (ms). */
export type DigestMemoEntry = [stamp: string, oid: string, takenAt: number]

const hashed = new Map<string, { stamp: string; oid: string; takenAt: number }>()
/** Paths hashed or reused by this process, and whether any was hashed afresh. */
const used = new Set<string>()
let fresh = false

/**
 * A file's git blob id (SHA-1 of `blob <size>\0<bytes>`), as `git hash-object` gives it, or null
 * when it cannot be read. A file whose stat data (mtime and ctime to the nanosecond, or to the
 * double for plain Stats; size, inode; a regular file, symlinks followed) matches its entry in
 * `index`, and that was last modified before the index was written (git's racy-file rule), is not
 * read: the index already holds its blob id. Anything else is hashed, once per process while its
 * stat data holds (`remember: false`: every time), so both ways give the same id. `stat`: the
 * file's stat data when the caller has just taken it.
 */
export function blobDigest(
  root: string,
  file: string,
  index: GitIndex | undefined,
  options: { remember?: boolean; stat?: FileStat } = {},
): string | null {
  let stat: FileStat
  try {
    stat = options.stat ?? statSync(repoPath(root, file), { bigint: true })
  } catch {
    return null
  }
  if (!isRegularFile(stat)) return null
  const entry = index?.entries.get(file)
  if (entry && index && statMatches(entry, stat, index)) return entry.oid
  const path = repoPath(root, file)
  const stamp = stampOf(stat)
  const known = options.remember === false ? undefined : hashed.get(path)
  // Reused only for a file settled before it was hashed: an edit within the same mtime tick cannot hide.
  if (known?.stamp === stamp && known.takenAt - Number(stat.mtimeMs) >= SETTLED_MS) {
    used.add(path)
    return known.oid
  }
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch {
    return null
  }
  const oid = gitBlobId(bytes)
  hashed.set(path, { stamp, oid, takenAt: Date.now() })
  used.add(path)
  fresh = true
  return oid
}

/** Entries from an earlier process (digest-memo.ts): taken by the same rule as this process's own. */
export function rememberDigests(files: Record<string, DigestMemoEntry>): void {
  for (const [path, entry] of Object.entries(files)) {
    if (hashed.has(path) || !Array.isArray(entry)) continue
    const [stamp, oid, takenAt] = entry
    if (typeof stamp === 'string' && typeof oid === 'string' && typeof takenAt === 'number')
      hashed.set(path, { stamp, oid, takenAt })
  }
}

/** What this process hashed or reused, by absolute path, and whether anything was hashed afresh. */
export function digestsHashedHere(): { files: Record<string, DigestMemoEntry>; fresh: boolean } {
  const files: Record<string, DigestMemoEntry> = {}
  for (const path of used) {
    const known = hashed.get(path)
    if (known) files[path] = [known.stamp, known.oid, known.takenAt]
  }
  return { files, fresh }
}

/** Forgets every digest this process hashed or was given (specs: a fresh process). */
export function forgetDigests(): void {
  hashed.clear()
  used.clear()
  fresh = false
}

/**
 * Whether `stat` is what git recorded for `entry` (the same file type; mtime and ctime to the
 * nanosecond, or for plain Stats to the double Node makes of them, size, inode), taken before the
 * index was written (git's racy-file rule): then the file (or link) holds the entry's blob
 * without being read.
 */
export function statMatches(entry: IndexEntry, stat: FileStat, index: GitIndex): boolean {
  if ((entry.mode & 0o170000) !== (Number(stat.mode) & 0o170000)) return false
  // ctime as git compares it (core.trustctime): an edit whose mtime was put back (`touch -r`) still shows.
  if (typeof stat.mtimeMs === 'bigint') {
    const big = stat as BigIntStats
    return (
      entry.mtimeS === Number(big.mtimeNs / 1_000_000_000n) &&
      entry.mtimeNs === Number(big.mtimeNs % 1_000_000_000n) &&
      entry.ctimeS === Number(big.ctimeNs / 1_000_000_000n) &&
      entry.ctimeNs === Number(big.ctimeNs % 1_000_000_000n) &&
      entry.size === Number(big.size & 0xffffffffn) &&
      entry.ino === Number(big.ino & 0xffffffffn) &&
      Number(big.mtimeMs) < index.mtimeMs
    )
  }
  const plain = stat as Stats
  // Node's own msFromTimeSpec: the same seconds and nanoseconds give the same double.
  return (
    plain.mtimeMs === entry.mtimeS * 1e3 + entry.mtimeNs / 1e6 &&
    plain.ctimeMs === entry.ctimeS * 1e3 + entry.ctimeNs / 1e6 &&
    entry.size === plain.size % 0x100000000 &&
    entry.ino === plain.ino % 0x100000000 &&
    plain.mtimeMs < index.mtimeMs
  )
}

/**
 * `stat.isFile()` without BigInt arithmetic: BigIntStats' type checks mask a BigInt mode per
 * call, ~10 us each before the JIT warms up, a tenth of a warm run's tree view over 1,100 files.
 */
export function isRegularFile(stat: FileStat): boolean {
  return (Number(stat.mode) & 0o170000) === 0o100000
}

/** git's blob id of these bytes (`git hash-object`). */
export function gitBlobId(bytes: Uint8Array): string {
  return nodeCrypto().createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex')
}

// --- internal ---

const SETTLED_MS = 2_000

/** What a memo entry must still match: both times, size and inode (BigInt stamps in nanoseconds). */
function stampOf(stat: FileStat): string {
  return typeof stat.mtimeMs === 'bigint'
    ? `${(stat as BigIntStats).mtimeNs}:${(stat as BigIntStats).ctimeNs}:${stat.size}:${stat.ino}`
    : `${stat.mtimeMs}ms:${stat.ctimeMs}:${stat.size}:${stat.ino}`
}
