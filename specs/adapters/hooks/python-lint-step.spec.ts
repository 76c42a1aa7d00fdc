import { describe, expect, test } from 'vitest'
import { type HookRepo, hookRepo, repoState } from './hook-repo.ts'

const SLOW = 120_000
const CLEAN = 'import os\n\n\ndef cwd() -> str:\n    return os.getcwd()\n'
const UNUSED = 'import os\nimport sys\n\n\ndef cwd() -> str:\n    return os.getcwd()\n'

/** A repo with one clean Python commit (and the given files), hooks installed. */
function seeded(files: Record<string, string> = {}): HookRepo {
  const repo = hookRepo('python-lint-hook-')
  repo.write('src/pkg/util.py', CLEAN)
  for (const [path, text] of Object.entries(files)) repo.write(path, text)
  repo.git(['add', '.'])
  const first = repo.git(['commit', '-m', 'first'])
  if (first.code !== 0) throw new Error(`seed commit failed: ${first.output}`)
  return repo
}

/** The python-lint step of the newest pre-commit session: status and time, from the ledger. */
function step(repo: HookRepo): { status: string; duration_ms: number; files: number } {
  const [row] = repo.rows<{ data_json: string }>(
    `SELECT data_json FROM events WHERE role = 'tool' AND json_extract(data_json, '$.step') = 'python-lint'
       AND session_id = (SELECT id FROM sessions WHERE kind = 'pre-commit' ORDER BY started_at DESC, rowid DESC LIMIT 1)`,
  )
  return JSON.parse(row?.data_json ?? '{}')
}

describe('pre-commit python-lint step', () => {
  test(
    'a staged ruff violation refuses the commit with file:line, rule and fix; the work tree stays as it was',
    () => {
      const repo = seeded()
      repo.write('src/pkg/util.py', UNUSED)
      repo.git(['add', 'src/pkg/util.py'])
      const before = repoState(repo, ['src/pkg/util.py'])
      const run = repo.git(['commit', '-m', 'unused import'])
      expect(run.code).not.toBe(0)
      expect(run.stderr).toContain('python-lint src/pkg/util.py:2 F401: `sys` imported but unused (col 8)')
      expect(run.stderr).toMatch(/python-lint \d+ms ✗/)
      expect(repoState(repo, ['src/pkg/util.py'])).toEqual(before)
      expect(step(repo)).toMatchObject({ status: 'failed', files: 1 })
    },
    SLOW,
  )

  test(
    'lints the staged bytes, not the work tree: a clean index passes while the work tree has the violation',
    () => {
      const repo = seeded()
      repo.write('src/pkg/new.py', CLEAN)
      repo.git(['add', 'src/pkg/new.py'])
      repo.write('src/pkg/new.py', UNUSED) // unstaged
      const run = repo.git(['commit', '-m', 'clean new module'])
      expect(run.code, run.output).toBe(0)
      expect(step(repo)).toMatchObject({ status: 'passed', files: 1 })
    },
    SLOW,
  )

  test(
    'reads the ruff settings from the index, following `extend`: unstaged config edits do not count',
    () => {
      const repo = seeded({
        'pyproject.toml': '[project]\nname = "pkg"\n\n[tool.ruff]\nextend = "configs/ruff-base.toml"\n',
        'configs/ruff-base.toml': '[lint]\nignore = ["F401"]\n',
      })
      repo.write('src/pkg/util.py', UNUSED)
      repo.git(['add', 'src/pkg/util.py'])
      // The work tree's base config would flag F401 again; only the staged one counts.
      repo.write('configs/ruff-base.toml', '[lint]\nignore = []\n')
      const passed = repo.git(['commit', '-m', 'allowed by the staged config'])
      expect(passed.code, passed.output).toBe(0)

      repo.git(['add', 'configs/ruff-base.toml'])
      repo.write('src/pkg/util.py', `${UNUSED}\n\ndef other() -> int:\n    return 1\n`)
      repo.git(['add', 'src/pkg/util.py'])
      const refused = repo.git(['commit', '-m', 'config now staged'])
      expect(refused.code).not.toBe(0)
      expect(refused.stderr).toContain('python-lint src/pkg/util.py:2 F401')
    },
    SLOW,
  )

  test(
    'SKIP=python-lint skips it like the other steps, and the skip is recorded',
    () => {
      const repo = seeded()
      repo.write('src/pkg/util.py', UNUSED)
      repo.git(['add', 'src/pkg/util.py'])
      const run = repo.git(['commit', '-m', 'skip it'], { SKIP: 'python-lint' })
      expect(run.code, run.output).toBe(0)
      expect(run.stderr).toContain('python-lint –')
      const [event] = repo.rows<{ level: string; message: string }>(
        "SELECT level, message FROM events WHERE role = 'tool' AND message LIKE 'step python-lint skipped%'",
      )
      expect(event).toMatchObject({
        level: 'warn',
        message: expect.stringMatching(/^step python-lint skipped \(SKIP=python-lint\) by /),
      })
    },
    SLOW,
  )

  test(
    'ruff is warmed up beside the snapshot export; the step’s time counts any wait for it, and the ledger says how it went',
    () => {
      const repo = seeded()
      const times: number[] = []
      for (let i = 0; i < 3; i++) {
        repo.write('src/pkg/util.py', `${CLEAN}\n\ndef f${i}() -> int:\n    return ${i}\n`)
        repo.git(['add', 'src/pkg/util.py'])
        const run = repo.git(['commit', '-m', `change ${i}`])
        expect(run.code, run.output).toBe(0)
        const [warm] = repo.rows<{ message: string; data_json: string }>(
          "SELECT message, data_json FROM events WHERE message LIKE 'python-lint: warm-up %' ORDER BY rowid DESC LIMIT 1",
        )
        const data = JSON.parse(warm?.data_json ?? '{}') as {
          warm_up_ms: number
          overlapped_ms: number
          waited_ms: number
        }
        expect(warm?.message).toMatch(
          /^python-lint: warm-up \d+ ms, \d+ ms of it while the snapshot was exported; the step waited \d+ ms for it$/,
        )
        expect(data.overlapped_ms + data.waited_ms).toBeLessThanOrEqual(data.warm_up_ms)
        const { duration_ms } = step(repo)
        expect(duration_ms).toBeGreaterThanOrEqual(data.waited_ms)
        times.push(duration_ms)
      }
      console.log(`python-lint step in the hook (one-file change): ${times.map(Math.round).join(', ')} ms`)
    },
    SLOW,
  )
})
