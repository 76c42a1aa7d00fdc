import { statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { readGitIndexFile } from '../../foundation/fs/git-index.ts'
import { envValue } from '../../foundation/settings/env-value.ts'
import { DIFF_CACHED, type EarlyGit, WRITE_TREE } from './early-git.cjs'
import { EMPTY_TREE, type GitOptions, type GitResult, git, gitOk, gitOutput, splitZ } from './git.ts'

/** One blob the commit will hold: its git mode, object id and repo-relative path. */
export interface TreeEntry {
  mode: string
  sha: string
  path: string
}

/**
 * What a gate run looks at: the tree being committed (or already committed), every entry in it,
 * and the paths that changed against the parent — the only files the hook scans.
 */
export interface Snapshot {
  /** `index` for pre-commit, else the commit sha being re-gated. */
  source: string
  tree: string
  entries: Map<string, TreeEntry>
  changed: string[]
}

/** Regular files only: symlinks (120000) and submodules (160000) have no content to scan. */
export function isRegularFile(mode: string): boolean {
  return mode === '100644' || mode === '100755'
}

/**
 * The index as `git commit` will record it: its tree (`git write-tree`), its stage-0 entries, and
 * the added/copied/modified/renamed/type-changed paths against HEAD (the empty tree before the
 * first commit). Honours GIT_INDEX_FILE, so `git commit -a` and `git commit <paths>` are seen right.
 */
export async function indexSnapshot(options: GitOptions, early?: EarlyGit): Promise<Snapshot> {
  // Both git processes start before the index file is parsed here, so they run meanwhile (or the
  // hook's launcher started them already: early-git.cjs). `diff --cached` compares with HEAD, or
  // with the empty tree before the first commit.
  const run = (args: readonly string[], started?: Promise<GitResult>) =>
    (started ?? git(args, options)).then((result) => gitOutput(args, result))
  const [tree, changed, entries] = await Promise.all([
    run(WRITE_TREE, early?.tree),
    run(DIFF_CACHED, early?.changed),
    stagedEntries(options),
  ])
  return { source: 'index', tree, entries, changed: splitZ(changed) }
}

/**
 * The index's stage-0 entries, as `git ls-files --stage` lists them: read from the index file
 * itself (GIT_INDEX_FILE, else `.git/index` of a plain repository) without starting git, or from
 * git when the file is one the reader leaves to git (split or sparse index, SHA-256).
 */
async function stagedEntries(options: GitOptions): Promise<Map<string, TreeEntry>> {
  const index = snapshotIndexFile(options)
  const parsed = index ? readGitIndexFile(index) : undefined
  if (!parsed) return parseStageListing(await gitOk(['ls-files', '--stage', '-z'], options))
  const entries = new Map<string, TreeEntry>()
  for (const [path, e] of parsed.entries) {
    if (e.stage === 0) entries.set(path, { mode: e.mode.toString(8), sha: e.oid, path })
  }
  return entries
}

/**
 * The index file a snapshot of `options.cwd` reads: GIT_INDEX_FILE (git sets it for `commit -a`
 * and `commit <paths>`), else `.git/index` of a plain repository; undefined under GIT_DIR or
 * GIT_WORK_TREE, or where `.git` is not a folder (then git is asked).
 */
export function snapshotIndexFile(options: GitOptions): string | undefined {
  const env = options.env ?? process.env
  if (envValue('GIT_DIR', env) !== undefined || envValue('GIT_WORK_TREE', env) !== undefined) return undefined
  const named = envValue('GIT_INDEX_FILE', env)
  if (named !== undefined) return resolve(options.cwd, named)
  try {
    return statSync(join(options.cwd, '.git')).isDirectory() ? join(options.cwd, '.git', 'index') : undefined
  } catch {
    return undefined
  }
}

/** A commit's snapshot: its tree, entries, and the paths changed against its first parent. */
export async function commitSnapshot(rev: string, options: GitOptions): Promise<Snapshot> {
  const sha = await gitOk(['rev-parse', '--verify', '--end-of-options', `${rev}^{commit}`], options)
  const tree = await gitOk(['rev-parse', '--verify', '--end-of-options', `${sha}^{tree}`], options)
  const parent = await git(['rev-parse', '--verify', '--quiet', `${sha}^1`], options)
  const base = parent.code === 0 ? parent.stdout.trim() : EMPTY_TREE
  const [listing, changed] = await Promise.all([
    gitOk(['ls-tree', '-r', '-z', '--full-tree', tree], options),
    gitOk(['diff-tree', '-r', '--name-only', '-z', '--no-renames', '--diff-filter=ACMRT', base, sha], options),
  ])
  return { source: sha, tree, entries: parseTreeListing(listing), changed: splitZ(changed) }
}

/** Parses `git ls-files --stage -z`: `mode sha stage\tpath`; conflicted entries (stage ≠ 0) are left out. */
export function parseStageListing(text: string): Map<string, TreeEntry> {
  const entries = new Map<string, TreeEntry>()
  for (const record of splitZ(text)) {
    const tab = record.indexOf('\t')
    const [mode, sha, stage] = record.slice(0, tab).split(' ')
    if (!mode || !sha || stage !== '0') continue
    const path = record.slice(tab + 1)
    entries.set(path, { mode, sha, path })
  }
  return entries
}

/** Parses `git ls-tree -r -z`: `mode type sha\tpath`; only blobs. */
export function parseTreeListing(text: string): Map<string, TreeEntry> {
  const entries = new Map<string, TreeEntry>()
  for (const record of splitZ(text)) {
    const tab = record.indexOf('\t')
    const [mode, type, sha] = record.slice(0, tab).split(' ')
    if (!mode || !sha || type !== 'blob') continue
    const path = record.slice(tab + 1)
    entries.set(path, { mode, sha, path })
  }
  return entries
}
