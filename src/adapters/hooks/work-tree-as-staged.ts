import { type BigIntStats, lstatSync, readlinkSync } from 'node:fs'
import { join } from 'node:path'
import { blobDigest, gitBlobId } from '../../foundation/fs/blob-digest.ts'
import { type GitIndex, readGitIndexFile } from '../../foundation/fs/git-index.ts'
import { type GitOptions, git } from './git.ts'
import { type Snapshot, snapshotIndexFile, type TreeEntry } from './snapshot.ts'

/**
 * Whether the work tree holds exactly the tree being committed, so tools may run in it instead of
 * an exported copy of the staged tree (the same bytes either way, without writing ~one file per
 * tracked file). True only when:
 * - every staged entry is in the work tree with the staged bytes and kind (a regular file with its
 *   execute bit, a symlink to the staged target, a submodule's folder), judged from the index's
 *   stat data — mtime, ctime, size and inode as git recorded them, and only for a file modified
 *   before the index was written (git's racy-file rule) —, every other file hashed and compared
 *   with the staged blob id: an unstaged edit, an unstaged deletion or a partially staged file
 *   keeps the export;
 * - nothing untracked and not ignored is anywhere in the work tree (`git ls-files --others
 *   --exclude-standard`): a tool that walks folders (pytest, mypy on a package) would otherwise
 *   see a file the commit does not hold, and a file unstaged with `git rm --cached` is such a file.
 *   Ignored files (caches, virtualenvs, build output) are allowed, as pre-commit allows them.
 * False whenever the index is one this reader leaves to git (GIT_DIR/GIT_WORK_TREE, split or
 * sparse index, unmerged entries) or a check cannot be made: the export is always right.
 */
export async function workTreeAsStaged(snapshot: Snapshot, options: GitOptions): Promise<boolean> {
  const indexFile = snapshotIndexFile(options)
  if (indexFile === undefined) return false
  // git lists untracked files while this process compares the tracked ones.
  const untracked = git(
    ['ls-files', '--others', '--exclude-standard', '--directory', '--no-empty-directory', '-z'],
    options,
  )
  const index = readGitIndexFile(indexFile)
  const tracked = index !== undefined && trackedAsStaged(snapshot, index, options.cwd)
  const listing = await untracked
  return tracked && listing.code === 0 && listing.stdout === ''
}

// --- internal ---

function trackedAsStaged(snapshot: Snapshot, index: GitIndex, root: string): boolean {
  if (index.entries.size !== snapshot.entries.size) return false // unmerged paths, or a snapshot from elsewhere
  for (const entry of snapshot.entries.values()) {
    const recorded = index.entries.get(entry.path)
    if (recorded === undefined || recorded.stage !== 0 || recorded.oid !== entry.sha) return false
    if (!asStaged(root, entry, index)) return false
  }
  return true
}

function asStaged(root: string, entry: TreeEntry, index: GitIndex): boolean {
  const path = join(root, entry.path)
  let stat: BigIntStats
  try {
    stat = lstatSync(path, { bigint: true })
  } catch {
    return false
  }
  if (entry.mode === '160000') return stat.isDirectory()
  if (entry.mode === '120000') {
    return stat.isSymbolicLink() && gitBlobId(readlinkSync(path, { encoding: 'buffer' })) === entry.sha
  }
  if (!stat.isFile()) return false
  if ((entry.mode === '100755') !== ((stat.mode & 0o100n) !== 0n)) return false
  // The cache keys' rule: the index's blob id while git's stat data (ctime included) vouches for
  // the file and it is older than the index (racy git), else the bytes hashed.
  return blobDigest(root, entry.path, index, { remember: false, stat }) === entry.sha
}
