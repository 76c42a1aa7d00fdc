// The pre-commit hook with gates from configuration: a command gate with the commit stage runs on
// the staged bytes of the staged files only; fixer hooks of .pre-commit-config.yaml rewrite files
// only with pre_commit.fix, and never a file with unstaged changes (lint-staged #583, lefthook #1480).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { hookRepo, repoState } from './hook-repo.ts'

const SLOW = 120_000
const LINT = readFileSync(join(import.meta.dirname, '../../fixtures/command-gates/tools/lint-lines.mjs'), 'utf8')

describe('pre-commit hook: command gates', () => {
  test(
    'a commit-stage command gate sees only staged files, as staged; a breakpoint() staged in a new file refuses the commit',
    () => {
      const repo = hookRepo()
      repo.write('tools/lint-lines.mjs', LINT)
      repo.write(
        'codex-gates.json',
        `${JSON.stringify({
          gates: {
            breakpoints: {
              run: ['node', 'tools/lint-lines.mjs'],
              files: ['*.py'],
              pass_filenames: true,
              stages: ['commit'],
              format: 'lines',
              pattern: 'mypy',
            },
            'push-only': { run: ['false'] },
            // ruff's default rules would flag the planted breakpoint() too: this spec is about the command gate.
            'python-lint': { enabled: false },
          },
        })}\n`,
      )
      repo.write('a.py', 'a = 1\n')
      repo.write('old.py', 'x = 1\nbreakpoint()  # committed long ago\n')
      repo.git(['add', '.'])
      expect(repo.git(['commit', '--no-verify', '-m', 'seed']).code).toBe(0)

      // old.py calls breakpoint() but is not staged; a.py is staged clean and calls it in the work tree only.
      repo.write('a.py', 'a = 2\n')
      repo.git(['add', 'a.py'])
      repo.write('a.py', 'a = 2\nbreakpoint()  # not staged\n')
      const clean = repo.git(['commit', '-m', 'clean staged content'])
      expect(clean.code, clean.output).toBe(0)
      expect(clean.stderr).toMatch(/breakpoints \d+ms ✓/)
      const [passed] = repo.rows<{ gate: string; status: string }>(
        "SELECT gate, status FROM gate_runs WHERE gate = 'breakpoints' ORDER BY rowid DESC LIMIT 1",
      )
      expect(passed).toEqual({ gate: 'breakpoints', status: 'passed' })
      const events = repo.rows<{ data_json: string }>(
        "SELECT data_json FROM events WHERE message LIKE 'step breakpoints %'",
      )
      expect(JSON.parse(events.at(-1)?.data_json ?? '{}')).toMatchObject({ files: 1, status: 'passed' })

      repo.write('new.py', 'y = 1\nbreakpoint()\n')
      repo.git(['add', 'new.py'])
      const before = repoState(repo, ['a.py', 'new.py'])
      const refused = repo.git(['commit', '-m', 'breakpoint staged'])
      expect(refused.code).not.toBe(0)
      expect(refused.stderr).toContain('breakpoints new.py:2 no-breakpoint: breakpoint() left in the code (col 1)')
      expect(refused.stderr).not.toContain('old.py')
      expect(refused.stderr).not.toContain('a.py:1')
      expect(refused.stderr).toContain('commit refused')
      expect(repoState(repo, ['a.py', 'new.py'])).toEqual(before)
      // The push-only gate never runs in the commit hook.
      const pushOnly = repo.rows<{ status: string; reason: string }>(
        "SELECT status, reason FROM gate_runs WHERE gate = 'push-only'",
      )
      expect(new Set(pushOnly.map((r) => `${r.status}: ${r.reason}`))).toEqual(
        new Set(['skipped: runs at push, ci, manual, not commit (gates.push-only.stages)']),
      )

      const skipped = repo.git(['commit', '-m', 'skip it'], { SKIP: 'breakpoints' })
      expect(skipped.code, skipped.output).toBe(0)
      expect(skipped.stderr).not.toContain('SKIP names no step')
    },
    SLOW,
  )
})

describe('pre-commit hook: fixer hooks', () => {
  const CONFIG = `repos:
  - repo: https://github.com/pre-commit/pre-commit-hooks
    rev: v4.6.0
    hooks:
      - id: trailing-whitespace
`
  test(
    'with pre_commit.fix a fully staged file is fixed in the work tree and the index; a partially staged one is left alone',
    () => {
      const repo = hookRepo()
      repo.write('.pre-commit-config.yaml', CONFIG)
      repo.write('codex-gates.json', `${JSON.stringify({ pre_commit: { fix: true } })}\n`)
      repo.write('partial.txt', 'one\ntwo\n')
      repo.git(['add', '.'])
      expect(repo.git(['commit', '-m', 'seed']).code).toBe(0)

      repo.write('full.txt', 'tail  \nclean\n')
      repo.write('partial.txt', 'one  \ntwo\n')
      repo.git(['add', 'full.txt', 'partial.txt'])
      repo.write('partial.txt', 'one  \ntwo\nthree (unstaged work)\n')
      const stagedPartial = repo.git(['show', ':partial.txt']).stdout
      const run = repo.git(['commit', '-m', 'whitespace'])
      expect(run.code).not.toBe(0)
      expect(run.stderr).toContain('pre-commit:trailing-whitespace')
      expect(run.stderr).toContain('codex-gates: fixed and staged full.txt; review and commit again')
      expect(run.stderr).toContain('codex-gates: did not fix partial.txt: it has unstaged changes')
      // full.txt: fixed, staged and work tree equal.
      expect(repo.read('full.txt').toString()).toBe('tail\nclean\n')
      expect(repo.git(['show', ':full.txt']).stdout).toBe('tail\nclean\n')
      // partial.txt: the unstaged work and the staged bytes exactly as they were.
      expect(repo.read('partial.txt').toString()).toBe('one  \ntwo\nthree (unstaged work)\n')
      expect(repo.git(['show', ':partial.txt']).stdout).toBe(stagedPartial)
    },
    SLOW,
  )

  test(
    'without pre_commit.fix nothing is written: the fixer reports and the commit is refused',
    () => {
      const repo = hookRepo()
      repo.write('.pre-commit-config.yaml', CONFIG)
      repo.write('full.txt', 'tail  \n')
      repo.git(['add', '.'])
      const before = repoState(repo, ['full.txt'])
      const run = repo.git(['commit', '-m', 'whitespace'])
      expect(run.code).not.toBe(0)
      expect(run.stderr).toContain('pre-commit:trailing-whitespace full.txt trailing-whitespace: Fixing full.txt')
      expect(run.stderr).not.toContain('fixed and staged')
      expect(repoState(repo, ['full.txt'])).toEqual(before)
    },
    SLOW,
  )
})
