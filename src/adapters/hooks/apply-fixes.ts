import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type GitOptions, gitOk } from './git.ts'
import type { Snapshot } from './snapshot.ts'

/** What the fixers did to the repository. */
export interface FixReport {
  /** Rewritten in the work tree and staged. */
  fixed: string[]
  /** Left alone, with why (unstaged changes, not a regular file). */
  left: { path: string; reason: string }[]
}

/**
 * Applies fixer output (`pre_commit.fix`) without ever touching unstaged work — the data loss of
 * lint-staged #583 and lefthook #1480, where a fixer's result was written over a partially staged
 * file. A file is rewritten only when its work-tree bytes are exactly its staged bytes (the same
 * blob id, filters off); then the fixed bytes go to the work tree and the same bytes into the
 * index, so staged and work tree stay equal. Any other file is left as it is and reported.
 */
export async function applyFixes(
  fixes: ReadonlyMap<string, Uint8Array>,
  snapshot: Snapshot,
  git: GitOptions,
): Promise<FixReport> {
  const report: FixReport = { fixed: [], left: [] }
  const paths = [...fixes.keys()].filter((p) => {
    const entry = snapshot.entries.get(p)
    if (entry && (entry.mode === '100644' || entry.mode === '100755')) return true
    report.left.push({ path: p, reason: 'not a regular staged file' })
    return false
  })
  if (paths.length === 0) return report
  // Blob ids of the work-tree files as they are, without clean filters or eol conversion.
  const worktree = (
    await gitOk(['hash-object', '--no-filters', '--stdin-paths'], { ...git, input: `${paths.join('\n')}\n` })
  ).split('\n')
  for (const [i, path] of paths.entries()) {
    const entry = snapshot.entries.get(path)
    if (!entry) continue
    if (worktree[i] !== entry.sha) {
      report.left.push({
        path,
        reason: 'it has unstaged changes: fix the staged part by hand, or stage the whole file',
      })
      continue
    }
    writeFileSync(join(git.cwd, path), fixes.get(path) as Uint8Array) // in place: the file keeps its mode
    const sha = await gitOk(['hash-object', '-w', '--no-filters', '--', path], git)
    await gitOk(['update-index', '--cacheinfo', `${entry.mode},${sha},${path}`], git)
    report.fixed.push(path)
  }
  return report
}
