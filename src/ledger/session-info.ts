import { execFile, execFileSync } from 'node:child_process'
import { hostname, platform, release } from 'node:os'
import { commitTree } from '../foundation/fs/commit-trees.ts'
import { headFromFiles } from '../foundation/fs/git-head.ts'
import { type GitIndex, readGitIndex } from '../foundation/fs/git-index.ts'
import { redactEnv } from '../foundation/redact/redact.ts'
import { envValue } from '../foundation/settings/env-value.ts'
import type { LedgerRow } from './records.ts'

/** Environment variables worth keeping with a session; nothing else is ever recorded. */
export const ENV_ALLOWLIST: readonly (string | RegExp)[] = [
  'CI',
  'NODE_ENV',
  'NODE_OPTIONS',
  'TZ',
  'LANG',
  'LC_ALL',
  'SHELL',
  'TERM',
  'HUSKY',
  'SKIP',
  'GATES_ROOT',
  'npm_lifecycle_event',
  /^CODEX_/,
  /^VITEST_(MODE|POOL)$/,
]

/** The allow-listed part of `env`, with secret-named values masked. */
export function envSnapshot(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue
    if (ENV_ALLOWLIST.some((rule) => (typeof rule === 'string' ? rule === name : rule.test(name)))) out[name] = value
  }
  return redactEnv(out)
}

export interface GitInfo {
  sha: string | null
  branch: string | null
  dirty: boolean | null
  tree: string | null
}

/**
 * `gitInfo` without blocking: its two git calls run in parallel, off the event loop (each start
 * of a git process still costs the caller's thread a few ms, so HEAD, its tree and the branch
 * come from one `rev-parse`).
 */
export async function gitInfoAsync(cwd: string = process.cwd()): Promise<GitInfo> {
  const git = (...args: string[]) =>
    new Promise<string | null>((resolve) => {
      execFile('git', args, { cwd, encoding: 'utf8', timeout: 5000 }, (error, stdout) =>
        resolve(error ? null : stdout.trim()),
      )
    })
  const [head, status] = await Promise.all([git(...HEAD_ARGS), git('status', '--porcelain', '--untracked-files=no')])
  const { sha, branch, tree } = parseHead(head)
  return { sha, branch, dirty: status === null ? null : status.length > 0, tree }
}

/**
 * What gitInfoAsync says, read from a plain repository's `.git` without starting git, where the
 * files settle it; undefined otherwise. HEAD and its branch from HEAD and the refs
 * (headFromFiles), HEAD's tree from its loose commit object or an earlier run's memo
 * (commitTree); dirty when the index's cache-tree is a valid root tree other than HEAD's (a
 * staged change), clean when it is HEAD's and `unchanged(index)` says every entry's stat data is
 * as recorded: what
 * `git status --porcelain --untracked-files=no` answers with a line or with nothing.
 */
export function gitInfoFromFiles(
  cwd: string,
  unchanged: (index: GitIndex) => boolean,
  env: NodeJS.ProcessEnv = process.env,
): GitInfo | undefined {
  if (envValue('GIT_INDEX_FILE', env) !== undefined) return undefined
  const head = headFromFiles(cwd, env)
  if (!head?.sha) return undefined
  const tree = commitTree(head.gitDir, head.sha)
  const index = tree ? readGitIndex(cwd) : undefined
  if (!tree || !index?.plain || index.rootTree === undefined) return undefined
  const info = { sha: head.sha, branch: head.branch, tree }
  if (index.rootTree !== tree) return { ...info, dirty: true }
  return unchanged(index) ? { ...info, dirty: false } : undefined
}

/** HEAD's sha, branch and whether the work tree is dirty; nulls outside a git checkout. */
export function gitInfo(cwd: string = process.cwd()): GitInfo {
  const git = (...args: string[]): string | null => {
    try {
      return execFileSync('git', args, {
        cwd,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 5000,
      }).trim()
    } catch {
      return null
    }
  }
  const { sha, branch, tree } = parseHead(git(...HEAD_ARGS))
  const status = sha === null ? null : git('status', '--porcelain', '--untracked-files=no')
  return { sha, branch, dirty: status === null ? null : status.length > 0, tree }
}

/** HEAD's commit, its tree and the branch name, in one git process (prints them in this order). */
const HEAD_ARGS = ['rev-parse', 'HEAD', 'HEAD^{tree}', '--abbrev-ref', 'HEAD'] as const

/** rev-parse's three lines; all null before the first commit or outside a repository. */
function parseHead(out: string | null): Omit<GitInfo, 'dirty'> {
  const [sha, tree, branch] = out?.split('\n') ?? []
  if (!sha || !tree || !branch) return { sha: null, branch: null, tree: null }
  return { sha, tree, branch: branch === 'HEAD' ? null : branch }
}

export interface SessionStart {
  id: string
  kind: string
  command: string
  argv: readonly string[]
  projects?: readonly string[]
  parentId?: string | null
  cwd?: string
}

/** The `sessions` row for a session that starts now (status `running`); the ledger masks it on the way in. */
export function sessionStartRow(start: SessionStart, git: GitInfo = gitInfo(start.cwd)): LedgerRow {
  return {
    id: start.id,
    kind: start.kind,
    command: start.command,
    argv: JSON.stringify(start.argv),
    status: 'running',
    started_at: new Date().toISOString(),
    git_sha: git.sha,
    git_branch: git.branch,
    git_dirty: git.dirty === null ? null : git.dirty ? 1 : 0,
    git_tree: git.tree,
    host: hostname(),
    pid: process.pid,
    node_version: process.version,
    os: `${platform()} ${release()}`,
    env_json: JSON.stringify(envSnapshot()),
    projects_json: start.projects ? JSON.stringify(start.projects) : null,
    parent_id: start.parentId ?? null,
  }
}
