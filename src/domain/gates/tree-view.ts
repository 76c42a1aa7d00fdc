import { lstatSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { blobDigest, isRegularFile, statMatches } from '../../foundation/fs/blob-digest.ts'
import { type GitIndex, readGitIndex } from '../../foundation/fs/git-index.ts'
import type { KeyPass } from './gate.ts'
import { type FileMode, listRepoFileStats } from './repo-files.ts'

/**
 * One look at a tree, shared by every gate checked in one pass (`codex-gates run` asking which
 * gates it can reuse): the listing once, each file's blob id and size once. Taken for one pass
 * and dropped: a file edited after it is not seen, as with any snapshot.
 */
export interface TreeView extends KeyPass {
  listing: readonly string[]
  /** The file's git blob id (from the index where its stat data matches), null when unreadable. */
  digest(file: string): string | null
  /** The file's size in bytes, -1 when it cannot be stat'ed. */
  size(file: string): number
  /**
   * True when this view's own read of `index` shows every entry of it unchanged by its stat data
   * alone, as git would take it: a file (listed here) or link of the entry's type, stat data as
   * recorded (statMatches), the same executable bit, last modified at least 1 ms before the index
   * was written. False when that cannot be told this way (a submodule or deleted file, a touched
   * or racy one, flags git reads by other rules, another index): only git can say then.
   */
  unchangedSince(index: GitIndex): boolean
}

/**
 * A TreeView of `root` with the config's file mode. `index: false` hashes every file instead of
 * trusting git's index or what this process hashed before (what the keys would cost without
 * the index; the ids are the same).
 */
export function treeView(root: string, mode: FileMode, options: { index?: boolean } = {}): TreeView {
  const index = options.index === false ? undefined : readGitIndex(root)
  // Listed files were lstat'ed to be listed: regular files, so that is their stat data.
  const stats = listRepoFileStats(root, mode, index)
  const digests = new Map<string, string | null>()
  const sizes = new Map<string, number>()
  const computed = new Map<string, unknown>()
  return {
    listing: [...stats.keys()],
    listed: (file) => stats.has(file),
    once: <T>(key: string, compute: () => T): T => {
      if (!computed.has(key)) computed.set(key, compute())
      return computed.get(key) as T
    },
    digest: (file) => {
      let d = digests.get(file)
      if (d === undefined) {
        d = blobDigest(root, file, index, { remember: options.index !== false, stat: stats.get(file) })
        digests.set(file, d)
      }
      return d
    },
    unchangedSince: (of) => {
      if (!index || of !== index || !index.plain) return false
      for (const [file, entry] of index.entries) {
        // Not listed as a regular file: a link (lstat'ed here), a submodule or a deleted file.
        const stat = stats.get(file) ?? lstatSync(join(root, file), { throwIfNoEntry: false })
        if (!stat || !statMatches(entry, stat, index)) return false
        if (isRegularFile(stat) && (stat.mode & 0o100) !== (entry.mode & 0o100)) return false
        if (stat.mtimeMs >= index.mtimeMs - 1) return false
      }
      return true
    },
    size: (file) => {
      let s = sizes.get(file)
      if (s === undefined) {
        const listed = stats.get(file)
        s = listed ? listed.size : sizeOf(join(root, file))
        sizes.set(file, s)
      }
      return s
    },
  }
}

/** What cacheKey reads of files when no TreeView is shared: asked afresh each time. */
export function freshLook(root: string): Pick<TreeView, 'digest' | 'size'> {
  const index = readGitIndex(root)
  return { digest: (file) => blobDigest(root, file, index), size: (file) => sizeOf(join(root, file)) }
}

// --- internal ---

function sizeOf(path: string): number {
  try {
    return statSync(path).size
  } catch {
    return -1
  }
}
