import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { REPO_ROOT } from '../../support/temp-dir.ts'
import { FAKE_AWS_KEY, hookRepo } from './hook-repo.ts'

const SLOW = 120_000

describe('post-commit hook and `ledger ungated`', () => {
  test(
    'a --no-verify commit is recorded as a bypass and listed by `ungated`; `hook gate` re-checks its own bytes',
    () => {
      const repo = hookRepo()
      repo.write('a.txt', 'a\n')
      repo.git(['add', '.'])
      expect(repo.git(['commit', '-m', 'gated']).code).toBe(0)
      repo.write('config.py', `key = "${FAKE_AWS_KEY}"\n`)
      repo.git(['add', '.'])
      const bypass = repo.git(['commit', '--no-verify', '-m', 'sneaky'])
      expect(bypass.code, bypass.output).toBe(0)
      expect(bypass.stderr).toMatch(/commit [0-9a-f]{12} was made without a passing pre-commit \(--no-verify\?\)/)
      const [sha, tree] = repo.git(['rev-parse', 'HEAD', 'HEAD^{tree}']).stdout.trim().split('\n')
      expect(repo.rows('SELECT session_id, bypass FROM commits WHERE sha = ?', sha)).toEqual([
        { session_id: null, bypass: 1 },
      ])
      const [event] = repo.rows<{ level: string; message: string; data_json: string }>(
        "SELECT e.level, e.message, e.data_json FROM events e JOIN sessions s ON s.id = e.session_id WHERE s.kind = 'post-commit' AND e.message LIKE 'bypass:%'",
      )
      expect(event?.level).toBe('warn')
      expect(JSON.parse(event?.data_json ?? '{}')).toMatchObject({ event: 'bypass', sha, tree, cause: 'no-verify' })

      const listed = ungated(repo.dir, repo.env)
      expect(listed.map((c) => [c.sha, c.reason, c.subject])).toEqual([[sha, 'bypassed', 'sneaky']])

      // Gating it after the fact runs the same steps on the commit's own bytes: the secret is found.
      const gate = run(repo.dir, repo.env, ['scripts/hook.ts', 'gate', 'HEAD'])
      expect(gate.code).toBe(1)
      expect(gate.output).toContain('config.py:1')
      expect(ungated(repo.dir, repo.env)).toHaveLength(1)
    },
    SLOW,
  )

  test(
    'HUSKY=0 commits leave no record and are listed as such; `hook gate` links them when they pass',
    () => {
      const repo = hookRepo()
      repo.write('a.txt', 'a\n')
      repo.git(['add', '.'])
      expect(repo.git(['commit', '-m', 'first'], { HUSKY: '0' }).code).toBe(0)
      repo.write('b.txt', 'b\n')
      repo.git(['add', '.'])
      expect(repo.git(['commit', '-m', 'second'], { HUSKY: '0' }).code).toBe(0)
      const listed = ungated(repo.dir, repo.env)
      expect(listed.map((c) => [c.subject, c.reason])).toEqual([
        ['second', 'no-record'],
        ['first', 'no-record'],
      ])
      const since = ungated(repo.dir, repo.env, ['--since', 'HEAD~1'])
      expect(since.map((c) => c.subject)).toEqual(['second'])

      const gate = run(repo.dir, repo.env, ['scripts/hook.ts', 'gate', 'HEAD~1', 'HEAD'])
      expect(gate.code, gate.output).toBe(0)
      expect(ungated(repo.dir, repo.env)).toEqual([])
      const head = repo.git(['rev-parse', 'HEAD']).stdout.trim()
      const [link] = repo.rows<{ session_id: string }>('SELECT session_id FROM commits WHERE sha = ?', head)
      expect(repo.rows('SELECT kind, status, command FROM sessions WHERE id = ?', link?.session_id)).toEqual([
        { kind: 'pre-commit', status: 'passed', command: `gate ${head}` },
      ])
    },
    SLOW,
  )

  test(
    '`ledger ungated` names a bad --since in a usage error',
    () => {
      const repo = hookRepo()
      repo.write('a.txt', 'a\n')
      repo.git(['add', '.'])
      repo.git(['commit', '-m', 'first'])
      const result = run(repo.dir, repo.env, ['scripts/ledger.ts', 'ungated', '--since', 'no-such-rev'])
      expect(result.code).toBe(2)
      expect(result.stderr).toContain('--since no-such-rev: not a commit in this repository')
      expect(result.stderr).toContain('hint:')
    },
    SLOW,
  )
})

interface Listed {
  sha: string
  subject: string
  reason: string
}

function ungated(cwd: string, env: NodeJS.ProcessEnv, extra: string[] = []): Listed[] {
  const result = run(cwd, env, ['scripts/ledger.ts', 'ungated', '--json', ...extra])
  if (result.code !== 0) throw new Error(`ledger ungated failed: ${result.output}`)
  return JSON.parse(result.stdout) as Listed[]
}

function run(cwd: string, env: NodeJS.ProcessEnv, args: string[]) {
  const [script, ...rest] = args
  const r = spawnSync(join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), [join(REPO_ROOT, script as string), ...rest], {
    cwd,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
  })
  return { code: r.status ?? 128, stdout: r.stdout, stderr: r.stderr, output: `${r.stdout}${r.stderr}` }
}
