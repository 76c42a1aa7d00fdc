import { existsSync, readFileSync } from 'node:fs'
import { UserError } from '../../foundation/errors/user-error.ts'
import type { Ledger } from '../../ledger/ledger.ts'
import { sidecarPaths } from '../../ledger/ledger-path.ts'
import type { LedgerRecord } from '../../ledger/records.ts'
import { type GitOptions, git } from './git.ts'

/** A commit as `ungated` lists it. */
export interface BranchCommit {
  sha: string
  tree: string
  author: string
  date: string
  subject: string
}

/** Why a commit counts as ungated. */
export type UngatedReason = 'bypassed' | 'gate-failed' | 'no-record'

export interface UngatedCommit extends BranchCommit {
  reason: UngatedReason
  /** What the reason means, for people. */
  detail: string
}

/** What the ledger knows about trees and commits, gathered in one pass. */
export interface GateRecords {
  /** tree → id of a passed pre-commit session that checked exactly that tree. */
  passedTrees: Map<string, string>
  /** Trees whose pre-commit sessions all failed or were interrupted. */
  failedTrees: Set<string>
  /** sha → bypass flag, for commits post-commit saw. */
  commits: Map<string, boolean>
}

const DETAIL: Record<UngatedReason, string> = {
  bypassed: 'committed without a passing pre-commit (git commit --no-verify, a rebase or a cherry-pick)',
  'gate-failed': 'its pre-commit failed and it was committed anyway (--no-verify)',
  'no-record': 'no hook ran (HUSKY=0, hooks not installed yet, or committed elsewhere)',
}

/**
 * Commits whose exact tree no passing pre-commit session checked: a commit is gated when a
 * `pre-commit` session with status `passed` has `git_tree` equal to the commit's tree (the hook
 * records the index tree, which is what the commit gets). Order follows `commits`.
 */
export function findUngated(commits: readonly BranchCommit[], records: GateRecords): UngatedCommit[] {
  const out: UngatedCommit[] = []
  for (const c of commits) {
    if (records.passedTrees.has(c.tree)) continue
    const reason: UngatedReason = records.failedTrees.has(c.tree)
      ? 'gate-failed'
      : records.commits.get(c.sha) === true
        ? 'bypassed'
        : 'no-record'
    out.push({ ...c, reason, detail: DETAIL[reason] })
  }
  return out
}

/**
 * Reads the gate records for `commits` from the ledger (when it opens) and from the NDJSON
 * fallback beside it (records written while the ledger was unusable, not yet imported).
 */
export function readGateRecords(
  ledger: Ledger | undefined,
  ledgerPath: string,
  commits: readonly Pick<BranchCommit, 'sha' | 'tree'>[],
): GateRecords {
  const records: GateRecords = { passedTrees: new Map(), failedTrees: new Set(), commits: new Map() }
  const trees = [...new Set(commits.map((c) => c.tree))]
  const shas = commits.map((c) => c.sha)
  const attempted = new Set<string>()
  if (ledger) {
    for (const part of chunks(trees)) {
      const rows = ledger.all<{ id: string; git_tree: string; status: string }>(
        `SELECT id, git_tree, status FROM sessions WHERE kind = 'pre-commit' AND git_tree IN (${marks(part)})
          ORDER BY started_at`,
        ...part,
      )
      for (const r of rows) noteSession(records, attempted, r)
    }
    for (const part of chunks(shas)) {
      const rows = ledger.all<{ sha: string; bypass: number }>(
        `SELECT sha, bypass FROM commits WHERE sha IN (${marks(part)})`,
        ...part,
      )
      for (const r of rows) records.commits.set(r.sha, r.bypass === 1)
    }
  }
  const wanted = new Set(trees)
  const wantedShas = new Set(shas)
  for (const record of fallbackRecords(ledgerPath)) {
    const row = record.row
    if (record.table === 'sessions' && row.kind === 'pre-commit' && wanted.has(String(row.git_tree))) {
      noteSession(records, attempted, {
        id: String(row.id),
        git_tree: String(row.git_tree),
        status: String(row.status),
      })
    } else if (record.table === 'commits' && wantedShas.has(String(row.sha)) && !records.commits.has(String(row.sha))) {
      records.commits.set(String(row.sha), row.bypass === 1)
    }
  }
  for (const tree of attempted) if (!records.passedTrees.has(tree)) records.failedTrees.add(tree)
  return records
}

const LOG_FORMAT = '%H%x1f%T%x1f%an <%ae>%x1f%aI%x1f%s'

/** Commits on the current branch, newest first: all of HEAD's history, or `since..HEAD`. */
export async function branchCommits(options: GitOptions, since?: string): Promise<BranchCommit[]> {
  const head = await git(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], options)
  if (head.code !== 0) return [] // no commit yet
  if (since !== undefined) {
    const ok = await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${since}^{commit}`], options)
    if (ok.code !== 0) {
      throw new UserError(
        'BAD_FLAG',
        `--since ${since}: not a commit in this repository`,
        'give a commit or ref, e.g. --since origin/main or --since HEAD~10',
      )
    }
  }
  return logCommits(options, since === undefined ? ['HEAD'] : [`${since}..HEAD`])
}

/** `git log` over `revArgs` (e.g. `['abc..def']`, `['def', '--not', '--remotes=origin']`), newest first. */
export async function logCommits(options: GitOptions, revArgs: readonly string[]): Promise<BranchCommit[]> {
  const result = await git(['log', '-z', `--format=${LOG_FORMAT}`, ...revArgs, '--'], options)
  if (result.code !== 0) throw new Error(`git log ${revArgs.join(' ')} failed: ${result.stderr.trim()}`)
  return result.stdout
    .split('\0')
    .filter((r) => r.length > 0)
    .map((record) => {
      const [sha = '', tree = '', author = '', date = '', subject = ''] = record.replace(/^\n/, '').split('\x1f')
      return { sha, tree, author, date, subject }
    })
}

/** `npm run ledger -- ungated`: ungated commits on the current branch. */
export async function listUngated(ledger: Ledger, options: GitOptions, since?: string): Promise<UngatedCommit[]> {
  const commits = await branchCommits(options, since)
  return findUngated(commits, readGateRecords(ledger, ledger.path, commits))
}

// --- internal ---

function noteSession(
  records: GateRecords,
  attempted: Set<string>,
  row: { id: string; git_tree: string; status: string },
): void {
  if (row.status !== 'running') attempted.add(row.git_tree)
  if (row.status === 'passed' && !records.passedTrees.has(row.git_tree)) records.passedTrees.set(row.git_tree, row.id)
}

function fallbackRecords(ledgerPath: string): LedgerRecord[] {
  const path = sidecarPaths(ledgerPath).fallback
  if (!existsSync(path)) return []
  const out: LedgerRecord[] = []
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue
    try {
      const record = JSON.parse(line) as LedgerRecord
      if (record.table === 'sessions' || record.table === 'commits') out.push(record)
    } catch {
      // A torn last line from a crash: the import skips it too.
    }
  }
  return out
}

function chunks<T>(items: readonly T[], size = 500): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

function marks(items: readonly unknown[]): string {
  return items.map(() => '?').join(', ')
}
