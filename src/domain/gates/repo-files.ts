import { execFileSync, spawn } from 'node:child_process'
import { existsSync, lstatSync, readdirSync, type Stats, statSync } from 'node:fs'
import { join, relative, resolve, sep } from 'node:path'
import { UserError } from '../../foundation/errors/user-error.ts'
import { isRegularFile } from '../../foundation/fs/blob-digest.ts'
import { type GitIndex, readGitIndex } from '../../foundation/fs/git-index.ts'
import { gitRoot } from '../../foundation/fs/git-root.ts'
import { PACKAGE_ROOT } from '../../foundation/fs/package-root.ts'
import { repoPath } from '../../foundation/fs/repo-path.ts'
import { envValue } from '../../foundation/settings/env-value.ts'
import { setting } from '../../foundation/settings/settings.ts'

/** Which files a gate sees: `tracked` = git's index; `worktree` = tracked plus untracked, not ignored. */
export type FileMode = 'tracked' | 'worktree'

/** This repository's root (where package.json lives), from this module's location. */
export { PACKAGE_ROOT }

/**
 * The repository the gates read: `explicit` (--root), else `GATES_ROOT`, else the git root of
 * the working directory (else the working directory). Must be a folder.
 */
export function gatesRoot(env: NodeJS.ProcessEnv = process.env, explicit?: string): string {
  const root = resolve(explicit ?? envValue('GATES_ROOT', env) ?? gitRoot(process.cwd()) ?? process.cwd())
  if (!existsSync(root) || !lstatSync(root).isDirectory()) {
    throw new UserError(
      'GATES_ROOT',
      `the repository to gate does not exist or is not a folder: ${root}`,
      explicit ? 'pass an existing folder to --root' : 'set GATES_ROOT to a repository folder, or unset it',
    )
  }
  return root
}

/**
 * Repo-relative POSIX paths of regular files, sorted. In a git repository: `git ls-files` (no
 * symlinks, no submodules, nothing deleted from the work tree); elsewhere a walk that skips
 * `.git` and `node_modules`.
 */
export function listRepoFiles(root: string, mode: FileMode = 'tracked'): string[] {
  return regularFiles(root, candidates(root, mode))
}

/**
 * listRepoFiles without blocking while git lists the work tree's untracked files (`worktree`):
 * the caller's other work goes on meanwhile. The same list. `listed`: paths a look at the tree
 * in this same pass found to be regular files (a TreeView's), not lstat'ed again.
 */
export async function listRepoFilesAsync(
  root: string,
  mode: FileMode = 'tracked',
  listed?: (path: string) => boolean,
): Promise<string[]> {
  if (mode === 'tracked') return listRepoFiles(root, mode) // the index read directly, or git's answer remembered
  const paths = await lsFilesAsync(root, mode)
  return regularFiles(root, paths ?? walk(root), listed)
}

/**
 * listRepoFiles with the stat data it looked at (`lstat`), in listing order: for a regular file
 * what `stat` would give, so a caller needing sizes or git's index comparison does not stat each
 * file again. Plain Stats, not BigIntStats: the index comparison takes their times to the double
 * (statMatches), and ~1,200 BigIntStats were ~3 MB of garbage a warm run.
 */
export function listRepoFileStats(root: string, mode: FileMode = 'tracked', index?: GitIndex): Map<string, Stats> {
  const files: [string, Stats][] = []
  for (const path of new Set(candidates(root, mode, index))) {
    try {
      const stat = lstatSync(repoPath(root, path), { throwIfNoEntry: false })
      if (stat && isRegularFile(stat)) files.push([path, stat])
    } catch {
      // Tracked but deleted in the work tree: nothing to read, git status shows it.
    }
  }
  return new Map(files.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

/** True when `root` is inside a git work tree. */
export function isGitRepo(root: string): boolean {
  return gitFiles(root, 'tracked') !== undefined
}

const trackedListings = new Map<string, { index: string; files: string[] }>()

/**
 * `git ls-files` output. The tracked listing depends only on the index, so it is remembered per
 * process while `.git/index` keeps its stat data (each gate of a run asks for it; one git start
 * each cost ~5 ms); an index written within the last 2 s is not trusted (racy-git rule).
 */
function gitFiles(root: string, mode: FileMode, read?: GitIndex): string[] | undefined {
  if (mode !== 'tracked') return runLsFiles(root, mode)
  // The index read directly (no git process) where this reader can, and git is not pointed at
  // another index (a hook's GIT_INDEX_FILE): the same paths `git ls-files --cached` prints.
  const parsed = setting('GIT_INDEX_FILE', process.env) === undefined ? (read ?? readGitIndex(root)) : undefined
  if (parsed) return [...parsed.entries.keys()]
  const index = indexStamp(root)
  const known = trackedListings.get(root)
  if (index && known?.index === index) return known.files
  const files = runLsFiles(root, mode)
  if (index && files) trackedListings.set(root, { index, files })
  return files
}

/** Paths a listing considers: git's (see gitFiles; `index`: the root's index already read), else a walk. */
function candidates(root: string, mode: FileMode, index?: GitIndex): string[] {
  return gitFiles(root, mode, index) ?? walk(root)
}

function indexStamp(root: string): string | undefined {
  try {
    const stat = statSync(join(root, '.git', 'index'), { bigint: true })
    if (Date.now() - Number(stat.mtimeMs) < 2_000) return undefined
    return `${stat.mtimeNs}:${stat.size}:${stat.ino}`
  } catch {
    return undefined // no index yet, or .git is a worktree/submodule pointer file: always ask git
  }
}

/**
 * The regular files among `paths` (lstat: no links, nothing deleted), deduplicated and sorted;
 * those `listed` says were just found regular are taken without another lstat.
 */
function regularFiles(root: string, paths: readonly string[], listed?: (path: string) => boolean): string[] {
  const files: string[] = []
  for (const path of paths) {
    try {
      if (listed?.(path) || lstatSync(join(root, path)).isFile()) files.push(path)
    } catch {
      // Tracked but deleted in the work tree: nothing to read, git status shows it.
    }
  }
  return [...new Set(files)].sort()
}

const LS_FILES_OPTIONS = { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 } as const

function lsFilesArgs(root: string, mode: FileMode): string[] {
  const args = ['-C', root, 'ls-files', '-z', '--cached']
  if (mode === 'worktree') args.push('--others', '--exclude-standard')
  return args
}

/**
 * `git ls-files` without blocking: git's stdout only (no stdin or stderr pipes: each costs the
 * spawn, ~1.5 ms of a warm run's main thread); undefined when git fails or is missing.
 */
function lsFilesAsync(root: string, mode: FileMode): Promise<string[] | undefined> {
  return new Promise((done) => {
    const chunks: Buffer[] = []
    const git = spawn('git', lsFilesArgs(root, mode), { stdio: ['ignore', 'pipe', 'ignore'] })
    git.stdout.on('data', (chunk: Buffer) => chunks.push(chunk))
    git.on('error', () => done(undefined))
    git.on('close', (code) =>
      done(
        code === 0
          ? Buffer.concat(chunks)
              .toString('utf8')
              .split('\0')
              .filter((p) => p.length > 0)
          : undefined,
      ),
    )
  })
}

function runLsFiles(root: string, mode: FileMode): string[] | undefined {
  let out: string
  try {
    out = execFileSync('git', lsFilesArgs(root, mode), { ...LS_FILES_OPTIONS, stdio: ['ignore', 'pipe', 'pipe'] })
  } catch {
    return undefined
  }
  return out.split('\0').filter((p) => p.length > 0)
}

function walk(root: string): string[] {
  const out: string[] = []
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === '.git' || entry.name === 'node_modules') continue
      const full = join(dir, entry.name)
      if (entry.isDirectory()) visit(full)
      else if (entry.isFile()) out.push(relative(root, full).split(sep).join('/'))
    }
  }
  visit(root)
  return out
}
