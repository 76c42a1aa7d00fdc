import { randomBytes } from 'node:crypto'
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { type DigestMemoEntry, digestsHashedHere, rememberDigests } from './blob-digest.ts'
import { commitTreesHere, rememberCommitTrees } from './commit-trees.ts'

/**
 * Blob ids of files git's index does not hold (installed packages' package.json files, read by
 * the deps and licenses keys), kept between runs in a JSON file beside the gate cache, so a warm
 * run does not read and hash ~300 files each time. An entry is trusted by the rule blobDigest
 * applies within one process: the same stat stamp (mtime and ctime to the nanosecond or the
 * double, size, inode) and a file settled (unmodified for 2 s) when it was hashed. Losing the file (torn, removed)
 * only means hashing again. Beside them, HEAD's commit id → tree id (commitTree): a commit never
 * changes, so a warm run does not inflate the commit object again.
 */
export function loadDigestMemo(path: string): void {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown; files?: unknown; commits?: unknown }
    if (parsed.version !== VERSION || !parsed.files || typeof parsed.files !== 'object') return
    rememberDigests(parsed.files as Record<string, DigestMemoEntry>)
    if (parsed.commits && typeof parsed.commits === 'object' && !Array.isArray(parsed.commits))
      rememberCommitTrees(parsed.commits as Record<string, unknown>)
  } catch {
    // absent, torn or foreign: nothing remembered
  }
}

/**
 * Writes what this process hashed or took from the memo (files no longer asked for drop out) when
 * it hashed (or read a commit) anew; not fsynced: a lost memo is only a slower next run.
 */
export function saveDigestMemo(path: string): void {
  const { files, fresh } = digestsHashedHere()
  const commits = commitTreesHere()
  if (!fresh && !commits.fresh) return
  const temp = `${path}.tmp-${randomBytes(6).toString('hex')}`
  try {
    writeFileSync(temp, `${JSON.stringify({ version: VERSION, files, commits: commits.trees })}\n`)
    renameSync(temp, path)
  } catch {
    rmSync(temp, { force: true })
  }
}

/** Where the memo lives for a gate cache file. */
export function digestMemoPath(gateCache: string): string {
  return `${gateCache.replace(/\.json$/, '')}.digests.json`
}

// --- internal ---

const VERSION = 1
