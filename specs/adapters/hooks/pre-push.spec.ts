import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { parsePushUpdates } from '../../../src/adapters/hooks/pre-push.ts'
import { REPO_ROOT } from '../../support/temp-dir.ts'
import { hookRepo } from './hook-repo.ts'

const SLOW = 120_000

/** A hook repo with a bare `origin`, one gated commit pushed, and one `--no-verify` commit on top. */
function withUngatedCommit() {
  const repo = hookRepo()
  const remote = join(repo.dir, '..', 'origin.git')
  spawnSync('git', ['init', '-q', '--bare', remote], { env: repo.env })
  repo.git(['remote', 'add', 'origin', remote])
  repo.write('a.txt', 'a\n')
  repo.git(['add', '.'])
  expect(repo.git(['commit', '-m', 'gated']).code).toBe(0)
  const first = repo.git(['push', '-u', 'origin', 'main'], { SKIP: 'gates' })
  expect(first.code, first.output).toBe(0)
  repo.write('b.txt', 'b\n')
  repo.git(['add', '.'])
  expect(repo.git(['commit', '--no-verify', '-m', 'bypassed']).code).toBe(0)
  const sha = repo.git(['rev-parse', 'HEAD']).stdout.trim()
  return { repo, sha }
}

function prePushSessions(repo: ReturnType<typeof hookRepo>) {
  return repo.rows<{ id: string; status: string }>(
    "SELECT id, status FROM sessions WHERE kind = 'pre-push' ORDER BY started_at, rowid",
  )
}

describe('pre-push hook', () => {
  test(
    'refuses a push that carries an ungated commit, naming it and the fix',
    () => {
      const { repo, sha } = withUngatedCommit()
      const push = repo.git(['push', 'origin', 'main'], { SKIP: 'gates' })
      expect(push.code).not.toBe(0)
      expect(push.stderr).toContain(`✗ ungated: 1 pushed commit(s) have no passing gate session for their tree:`)
      expect(push.stderr).toContain(sha.slice(0, 12))
      expect(push.stderr).toContain('CODEX_ALLOW_UNGATED=1')
      expect(repo.git(['ls-remote', 'origin', 'main']).stdout).not.toContain(sha)
      const last = prePushSessions(repo).at(-1)
      expect(last?.status).toBe('failed')
      const [event] = repo.rows<{ data_json: string }>(
        "SELECT data_json FROM events WHERE session_id = ? AND message LIKE 'step ungated%'",
        last?.id,
      )
      expect(JSON.parse(event?.data_json ?? '{}')).toMatchObject({
        step: 'ungated',
        status: 'failed',
        pushed: 1,
        ungated: [{ sha, reason: 'bypassed' }],
      })
    },
    SLOW,
  )

  test(
    'CODEX_ALLOW_UNGATED=1 lets it through and records who allowed which commits',
    () => {
      const { repo, sha } = withUngatedCommit()
      const push = repo.git(['push', 'origin', 'main'], { SKIP: 'gates', CODEX_ALLOW_UNGATED: '1' })
      expect(push.code, push.output).toBe(0)
      expect(push.stderr).toContain('allowed by CODEX_ALLOW_UNGATED=1 (recorded in the ledger)')
      expect(repo.git(['ls-remote', 'origin', 'main']).stdout).toContain(sha)
      const last = prePushSessions(repo).at(-1)
      expect(last?.status).toBe('passed')
      const events = repo.rows<{ level: string; data_json: string }>(
        'SELECT level, data_json FROM events WHERE session_id = ? ORDER BY id',
        last?.id,
      )
      const [ungated, gates] = events.map((e) => ({ level: e.level, ...JSON.parse(e.data_json) }))
      expect(ungated).toMatchObject({
        level: 'warn',
        step: 'ungated',
        status: 'passed',
        ungated: [{ sha }],
        allowed_by: { who: 'Spec Committer <committer@example.test>' },
      })
      expect(gates).toMatchObject({
        level: 'warn',
        step: 'gates',
        status: 'skipped',
        skipped_by: { who: 'Spec Committer <committer@example.test>' },
      })
    },
    SLOW,
  )

  test(
    'a commit gated after the fact (`hook gate`) is pushed without an override',
    () => {
      const { repo, sha } = withUngatedCommit()
      const gate = spawnSync(
        join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
        [join(REPO_ROOT, 'scripts', 'hook.ts'), 'gate', 'origin/main..HEAD'],
        { cwd: repo.dir, env: repo.env, encoding: 'utf8', timeout: 120_000 },
      )
      expect(gate.status, `${gate.stdout}${gate.stderr}`).toBe(0)
      const push = repo.git(['push', 'origin', 'main'], { SKIP: 'gates' })
      expect(push.code, push.output).toBe(0)
      expect(repo.git(['ls-remote', 'origin', 'main']).stdout).toContain(sha)
    },
    SLOW,
  )

  test(
    'the gates step runs under a timeout with stdin closed; running past it refuses the push',
    () => {
      const { repo } = withUngatedCommit()
      const push = repo.git(['push', 'origin', 'main'], { CODEX_ALLOW_UNGATED: '1', CODEX_PRE_PUSH_TIMEOUT_MS: '1' })
      expect(push.code).not.toBe(0)
      expect(push.stderr).toContain('npm run gates ran past 1 ms (CODEX_PRE_PUSH_TIMEOUT_MS); stopping it')
      const last = prePushSessions(repo).at(-1)
      expect(last?.status).toBe('failed')
      const [event] = repo.rows<{ data_json: string }>(
        "SELECT data_json FROM events WHERE session_id = ? AND message LIKE 'step gates%'",
        last?.id,
      )
      expect(JSON.parse(event?.data_json ?? '{}')).toMatchObject({ step: 'gates', status: 'failed', timed_out: true })
    },
    SLOW,
  )
})

describe('parsePushUpdates()', () => {
  test('reads the four fields of each line and ignores blank lines', () => {
    const zero = '0'.repeat(40)
    const text = `refs/heads/main ${'a'.repeat(40)} refs/heads/main ${'b'.repeat(40)}\n\nrefs/heads/x ${zero} refs/heads/x ${'c'.repeat(40)}\n`
    expect(parsePushUpdates(text)).toEqual([
      {
        localRef: 'refs/heads/main',
        localSha: 'a'.repeat(40),
        remoteRef: 'refs/heads/main',
        remoteSha: 'b'.repeat(40),
      },
      { localRef: 'refs/heads/x', localSha: zero, remoteRef: 'refs/heads/x', remoteSha: 'c'.repeat(40) },
    ])
  })
})
