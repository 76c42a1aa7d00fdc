import { createHash } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'

/** A digest is reused only for files last modified this long before it was taken (racy-git rule). */
const SETTLED_MS = 2_000

const digests = new Map<string, { stamp: string; digest: Buffer; takenAt: number }>()

/**
 * sha256 of a file's bytes, remembered per process by (mtime, size, inode) the way git's index
 * remembers stat data: the gates of one run all hash the same tree, and a settled file whose stat
 * data is unchanged is not read again. A file modified within SETTLED_MS of being hashed is
 * always re-read, so an edit that keeps size and mtime granularity cannot hide. Null when the
 * file cannot be read.
 */
export function fileDigest(path: string): Buffer | null {
  let stamp: string
  let mtimeMs: number
  try {
    const stat = statSync(path, { bigint: true })
    stamp = `${stat.mtimeNs}:${stat.size}:${stat.ino}`
    mtimeMs = Number(stat.mtimeMs)
  } catch {
    return null
  }
  const known = digests.get(path)
  if (known && known.stamp === stamp && known.takenAt - mtimeMs >= SETTLED_MS) return known.digest
  let digest: Buffer
  try {
    digest = createHash('sha256').update(readFileSync(path)).digest()
  } catch {
    return null
  }
  digests.set(path, { stamp, digest, takenAt: Date.now() })
  return digest
}
