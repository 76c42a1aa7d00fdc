// The commit hook runs command hooks in the work tree itself only when it holds exactly the staged
// tree: nothing unstaged (the racy case of an edit hidden behind restored stat data included),
// nothing untracked. Anything else keeps the export, and the tool sees the staged bytes.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { type HookRepo, hookRepo, type Run } from './hook-repo.ts'

const SLOW = 120_000
const TOOL = readFileSync(join(import.meta.dirname, '../../fixtures/command-gates/tools/seen-tree.mjs'), 'utf8')
const BUILT_IN_OFF = Object.fromEntries(
  ['lint', 'python-lint', 'secrets', 'env-files', 'large-files', 'placeholders', 'docs-links'].map((g) => [
    g,
    { enabled: false },
  ]),
)

interface Seen {
  cwd: string
  files: string[]
  tree: Record<string, string>
}

/** A repository with a committed command hook over `*.txt` that logs what it saw, and a.txt, b.txt, c.txt. */
function seeded(): { repo: HookRepo; commit: (message: string, ...more: string[]) => Run; seen: () => Seen[] } {
  const repo = hookRepo('in-place-')
  const log = join(dirname(repo.dir), 'seen.ndjson')
  repo.write('tools/seen-tree.mjs', TOOL)
  repo.write(
    '.pre-commit-config.yaml',
    `repos:
  - repo: local
    hooks:
      - id: seen
        name: seen
        entry: node tools/seen-tree.mjs
        language: system
        files: '\\.txt$'
`,
  )
  repo.write('codex-gates.json', `${JSON.stringify({ gates: BUILT_IN_OFF })}\n`)
  repo.write('a.txt', 'a one\n')
  repo.write('b.txt', 'b one\n')
  repo.write('c.txt', 'c one\n')
  repo.git(['add', '.'])
  expect(repo.git(['commit', '--no-verify', '-m', 'seed']).code).toBe(0)
  const commit = (message: string, ...more: string[]) => repo.git(['commit', '-m', message, ...more], { SEEN_LOG: log })
  const seen = () =>
    existsSync(log)
      ? readFileSync(log, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as Seen)
      : []
  return { repo, commit, seen }
}

function lastSeen(s: { seen: () => Seen[] }): Seen {
  const all = s.seen()
  expect(all.length).toBeGreaterThan(0)
  return all.at(-1) as Seen
}

/** process.cwd() is a real path; the export folder is gone by the time this is read. */
const inPlace = (repo: HookRepo, seen: Seen) => seen.cwd === realpathSync(repo.dir)

/** The ledger's rows for the last session, without ids and times: what the two ways must agree on. */
function ledgerRows(repo: HookRepo) {
  const [last] = repo.rows<{ id: string }>('SELECT id FROM sessions ORDER BY rowid DESC LIMIT 1')
  return {
    runs: repo.rows(
      'SELECT gate, status, findings_count, reason FROM gate_runs WHERE session_id = ? ORDER BY gate',
      last?.id,
    ),
    findings: repo.rows(
      'SELECT gate, severity, rule, file, line, message, remediation, fingerprint FROM findings WHERE session_id = ? ORDER BY gate, file, line',
      last?.id,
    ),
  }
}

describe('pre-commit hook: command hooks in the work tree when it holds the staged tree', () => {
  test(
    'a clean tree runs them in place, with the same outcome and ledger rows as the export',
    () => {
      const clean = seeded()
      const exported = seeded()
      for (const s of [clean, exported]) {
        s.repo.write('a.txt', 'a one\nBAD line\n')
        s.repo.git(['add', 'a.txt'])
      }
      // An untracked file anywhere keeps the export (a tool walking folders would see it).
      exported.repo.write('notes.md', 'scratch\n')

      const runs = [clean, exported].map((s) => s.commit('bad line'))
      const [inPlaceSeen, exportSeen] = [lastSeen(clean), lastSeen(exported)]
      expect(inPlace(clean.repo, inPlaceSeen)).toBe(true)
      expect(inPlace(exported.repo, exportSeen)).toBe(false)
      // Same inputs, same bytes.
      for (const seen of [inPlaceSeen, exportSeen]) {
        expect(seen.files).toEqual(['a.txt'])
        expect(seen.tree).toEqual({ 'a.txt': 'a one\nBAD line\n', 'b.txt': 'b one\n', 'c.txt': 'c one\n' })
      }
      for (const run of runs) {
        expect(run.code).not.toBe(0)
        expect(run.stderr).toContain('commit refused')
      }
      const [a, b] = [ledgerRows(clean.repo), ledgerRows(exported.repo)]
      expect(a.runs).toContainEqual(expect.objectContaining({ gate: 'pre-commit:seen', status: 'failed' }))
      expect(a).toEqual(b)
      // The parsed .pre-commit-config.yaml is memoized in the git dir: the next commit loads no YAML library.
      expect(existsSync(join(clean.repo.dir, '.git', 'codex-gates', 'pre-commit-configs.json'))).toBe(true)
      // The work tree and the index exactly as they were.
      expect(clean.repo.read('a.txt').toString()).toBe('a one\nBAD line\n')
      expect(clean.repo.git(['status', '--porcelain']).stdout).toBe('M  a.txt\n')

      // A staged deletion with the file gone from the work tree too: the trees are equal, in place.
      clean.repo.write('a.txt', 'a two\n')
      clean.repo.git(['add', 'a.txt'])
      clean.repo.git(['rm', '-q', 'c.txt'])
      const passed = clean.commit('a two, no c')
      expect(passed.code, passed.output).toBe(0)
      const after = lastSeen(clean)
      expect(inPlace(clean.repo, after)).toBe(true)
      expect(after.tree).toEqual({ 'a.txt': 'a two\n', 'b.txt': 'b one\n' })
    },
    SLOW,
  )

  test(
    'git commit -a commits the work tree: in place; git commit <path> leaves other changes out: the export',
    () => {
      const all = seeded()
      all.repo.write('a.txt', 'a two\n')
      const committed = all.commit('all', '-a')
      expect(committed.code, committed.output).toBe(0)
      const seenAll = lastSeen(all)
      expect(inPlace(all.repo, seenAll)).toBe(true)
      expect(seenAll.tree).toEqual({ 'a.txt': 'a two\n', 'b.txt': 'b one\n', 'c.txt': 'c one\n' })

      const only = seeded()
      only.repo.write('a.txt', 'a two\n')
      only.repo.write('b.txt', 'b two\n')
      only.repo.git(['add', 'a.txt', 'b.txt'])
      const partial = only.commit('only b', '--', 'b.txt')
      expect(partial.code, partial.output).toBe(0)
      const seenOnly = lastSeen(only)
      expect(inPlace(only.repo, seenOnly)).toBe(false)
      expect(seenOnly.files).toEqual(['b.txt'])
      expect(seenOnly.tree).toEqual({ 'a.txt': 'a one\n', 'b.txt': 'b two\n', 'c.txt': 'c one\n' })
    },
    SLOW,
  )

  const cases: { name: string; change: (repo: HookRepo) => void; staged: Record<string, string> }[] = [
    {
      name: 'an unstaged edit of another tracked file',
      change: (repo) => repo.write('b.txt', 'b one, edited\n'),
      staged: { 'a.txt': 'a two\n', 'b.txt': 'b one\n', 'c.txt': 'c one\n' },
    },
    {
      name: 'an unstaged edit of the same size with its mtime restored (racy git)',
      change: (repo) => {
        const path = join(repo.dir, 'b.txt')
        const times = join(dirname(repo.dir), 'times')
        const before = statSync(path, { bigint: true })
        // touch -r copies the times to the nanosecond (utimes from JavaScript rounds them).
        expect(spawnSync('touch', ['-r', path, times]).status).toBe(0)
        repo.write('b.txt', 'b ONE\n')
        expect(spawnSync('touch', ['-r', times, path]).status).toBe(0)
        const after = statSync(path, { bigint: true })
        expect([after.size, after.mtimeNs, after.ino]).toEqual([before.size, before.mtimeNs, before.ino])
      },
      staged: { 'a.txt': 'a two\n', 'b.txt': 'b one\n', 'c.txt': 'c one\n' },
    },
    {
      name: 'an unstaged deletion',
      change: (repo) => rmSync(join(repo.dir, 'b.txt')),
      staged: { 'a.txt': 'a two\n', 'b.txt': 'b one\n', 'c.txt': 'c one\n' },
    },
    {
      name: 'a staged deletion that leaves the file in the work tree (git rm --cached)',
      change: (repo) => repo.git(['rm', '-q', '--cached', 'b.txt']),
      staged: { 'a.txt': 'a two\n', 'c.txt': 'c one\n' },
    },
    {
      name: 'a partially staged file',
      change: (repo) => repo.write('a.txt', 'a two\nBAD, not staged\n'),
      staged: { 'a.txt': 'a two\n', 'b.txt': 'b one\n', 'c.txt': 'c one\n' },
    },
  ]
  for (const c of cases) {
    test(
      `${c.name}: the export, and the tool sees the staged bytes`,
      () => {
        const s = seeded()
        s.repo.write('a.txt', 'a two\n')
        s.repo.git(['add', 'a.txt'])
        c.change(s.repo)
        const run = s.commit('a two')
        expect(run.code, run.output).toBe(0)
        const seen = lastSeen(s)
        expect(inPlace(s.repo, seen)).toBe(false)
        expect(seen.files).toEqual(['a.txt'])
        expect(seen.tree).toEqual(c.staged)
      },
      SLOW,
    )
  }
})
