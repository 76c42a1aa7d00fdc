import { spawnSync } from 'node:child_process'
import { headFromFiles } from '../../foundation/fs/git-head.ts'
import { readGitIndexFile } from '../../foundation/fs/git-index.ts'

/** HEAD's commit and its tree as `git ls-tree -r` lists it: path → `<mode> <oid>`. */
export interface HeadTree {
  sha: string
  entries: ReadonlyMap<string, string>
}

/** Trees larger than this are not kept (a standby holds it in memory; git answers instead). */
const MAX_ENTRIES = 100_000

/**
 * HEAD's tree for `stagedChanges`, from one `git ls-tree` (a hook standby reads it while it waits
 * for the next commit, standby-preload.ts). Undefined where HEAD is not a plain branch or detached
 * commit readable from the files (headFromFiles), no commit yet, or the tree is too large.
 */
export function readHeadTree(cwd: string, env: NodeJS.ProcessEnv): HeadTree | undefined {
  const sha = headFromFiles(cwd, env)?.sha
  if (!sha) return undefined
  const listed = spawnSync('git', ['ls-tree', '-r', '-z', '--full-tree', sha], {
    cwd,
    env,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  if (listed.status !== 0) return undefined
  const entries = new Map<string, string>()
  for (const line of listed.stdout.split('\0')) {
    if (line === '') continue
    // "<mode> <type> <oid>\t<path>"
    const tab = line.indexOf('\t')
    const [mode, , oid] = line.slice(0, tab).split(' ')
    entries.set(line.slice(tab + 1), `${mode} ${oid}`)
    if (entries.size > MAX_ENTRIES) return undefined
  }
  return { sha, entries }
}

/**
 * The paths `git diff --cached --name-only --no-renames --diff-filter=ACMRT --ignore-submodules`
 * would list, in its order, from the index file and `head` alone: every index entry whose mode or
 * blob differs from HEAD's or that HEAD lacks. Undefined wherever only git can answer exactly: HEAD
 * has moved since `head` was read, the index is one the reader leaves to git, or it holds an entry
 * of another kind than a plain staged file (a conflict, intent-to-add, skip-worktree, a submodule).
 * A hint only: what it starts (the launcher's Biome) is checked against git's own answer.
 */
export function stagedChanges(
  indexFile: string,
  head: HeadTree,
  cwd: string,
  env: NodeJS.ProcessEnv,
): string[] | undefined {
  if (headFromFiles(cwd, env)?.sha !== head.sha) return undefined
  const index = readGitIndexFile(indexFile)
  if (index === undefined || !index.plain) return undefined
  const changed: string[] = []
  for (const [path, entry] of index.entries) {
    const mode = entry.mode.toString(8)
    if (mode === '160000') return undefined
    if (head.entries.get(path) !== `${mode} ${entry.oid}`) changed.push(path)
  }
  return changed
}
