// The hook standby (src/app/hook/standby-serve.ts): a commit leaves a pre-commit process loaded
// for the next one, which answers that commit exactly as the hook would (output, exit code, ledger
// session), refuses what it cannot vouch for (another environment), and goes when told to.

import { spawn, spawnSync } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { REPO_ROOT, tempDir } from '../../support/temp-dir.ts'
import { FAKE_AWS_KEY, type HookRepo, hookRepo } from './hook-repo.ts'

const SLOW = 120_000
const ANSWERED = 'standby answered'
const ON = { CODEX_HOOK_STANDBY: '1', CODEX_HOOK_STANDBY_IDLE_MS: '60000', CODEX_HOOK_TRACE: '1' }

const started: HookRepo[] = []

function socketOf(repo: HookRepo): string {
  return join(repo.dir, '.git', 'codex-gates', 'standby', 'hook.sock')
}

/** Waits (≤ 20 s) for the standby a commit left to listen. */
function awaitStandby(repo: HookRepo): void {
  const deadline = Date.now() + 20_000
  while (!existsSync(socketOf(repo)) && Date.now() < deadline) spawnSync('sleep', ['0.05'])
  expect(existsSync(socketOf(repo)), 'a standby listens').toBe(true)
}

function stop(repo: HookRepo): string {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, '.husky', 'launch.cjs'), 'standby', 'stop'], {
    cwd: repo.dir,
    env: repo.env,
    encoding: 'utf8',
  })
  return r.stdout
}

afterEach(() => {
  for (const repo of started.splice(0)) stop(repo)
})

/** A repo whose first commit went through the hook with the standby on: one is now listening. */
function withStandby(): HookRepo {
  const repo = hookRepo('standby-')
  started.push(repo)
  repo.write('notes.txt', 'one\n')
  repo.write('biome.json', '{ "formatter": { "indentStyle": "space" } }\n')
  repo.git(['add', '.'])
  const first = repo.git(['commit', '-m', 'first'], ON)
  expect(first.code, first.output).toBe(0)
  expect(first.stderr).not.toContain(ANSWERED) // nothing was there to answer it
  awaitStandby(repo)
  return repo
}

describe('pre-commit hook standby', () => {
  test(
    'answers the next commit as the hook would: its output, exit code and ledger session; then leaves the next standby',
    () => {
      const repo = withStandby()
      expect(statSync(join(repo.dir, '.git', 'codex-gates', 'standby')).mode & 0o777).toBe(0o700)

      repo.write('src/ok.ts', 'export const ok = 1;\n')
      repo.git(['add', '.'])
      const ok = repo.git(['commit', '-m', 'ok'], ON)
      expect(ok.code, ok.output).toBe(0)
      expect(ok.stderr).toContain(ANSWERED)
      expect(ok.stderr).toMatch(/codex-gates pre-commit ✓ 1 file/)

      // This commit left the plan for the launcher's Biome: the standby starts it on the staged bytes.
      awaitStandby(repo)
      repo.write('src/bad.ts', 'export const a = 1;;\n')
      repo.git(['add', '.'])
      repo.write('src/bad.ts', 'export const a = 1;\n') // fixed in the work tree only
      const lint = repo.git(['commit', '-m', 'lint'], ON)
      expect(lint.code).toBe(1)
      expect(lint.stderr).toContain(ANSWERED)
      expect(lint.stderr).toContain('lint taken from the launcher')
      expect(lint.stderr).toMatch(/lint src\/bad\.ts:1 \S+/)
      repo.git(['add', '.'])

      awaitStandby(repo)
      repo.write('config.ts', `export const key = '${FAKE_AWS_KEY}'\n`)
      repo.git(['add', '.'])
      const refused = repo.git(['commit', '-m', 'secret'], ON)
      expect(refused.code).toBe(1)
      expect(refused.stderr).toContain(ANSWERED)
      expect(refused.stderr).toContain('commit refused')
      expect(refused.output).not.toContain(FAKE_AWS_KEY)
      const sessions = repo.rows<{ status: string; n: number }>(
        "SELECT status, count(*) AS n FROM sessions WHERE kind = 'pre-commit' GROUP BY status ORDER BY status",
      )
      expect(sessions).toEqual([
        { status: 'failed', n: 2 },
        { status: 'passed', n: 2 },
      ])
      expect(repo.git(['log', '--format=%s']).stdout.trim().split('\n')).toEqual(['ok', 'first'])
    },
    SLOW,
  )

  test(
    'Biome runs ahead on what is staged while the standby waits; the commit takes that verdict only for the same blobs',
    () => {
      const repo = withStandby()
      repo.write('src/ok.ts', 'export const ok = 1;\n')
      repo.git(['add', '.'])
      expect(repo.git(['commit', '-m', 'ok'], ON).code).toBe(0) // leaves the plan for the launcher's Biome
      awaitStandby(repo)
      stop(repo)
      repo.write('src/bad.ts', 'export const a = 1;;\n')
      repo.git(['add', '.'])
      // A standby started with the change already staged runs Biome on it before it listens. Its
      // environment as the hook's (.husky/pre-commit starts node without NODE_EXTRA_CA_CERTS).
      const { NODE_EXTRA_CA_CERTS: certs, ...hookEnv }: NodeJS.ProcessEnv = { ...repo.env, ...ON }
      spawn(process.execPath, [join(REPO_ROOT, '.husky', 'launch.cjs'), 'standby', 'serve'], {
        cwd: repo.dir,
        env: certs === undefined ? hookEnv : { ...hookEnv, CODEX_HOOK_CA_CERTS: certs },
        detached: true,
        stdio: 'ignore',
      }).unref()
      awaitStandby(repo)
      const ahead = repo.git(['commit', '-m', 'lint'], ON)
      expect(ahead.code).toBe(1)
      expect(ahead.stderr).toContain(ANSWERED)
      expect(ahead.stderr).toContain('lint run ahead')
      expect(ahead.stderr).toMatch(/lint src\/bad\.ts:1 \S+/)

      // Staged again after the standby ran Biome: that run is dropped, the commit lints the new blob.
      awaitStandby(repo)
      repo.write('src/bad.ts', 'export const a = 1;\n')
      repo.git(['add', '.'])
      const fixed = repo.git(['commit', '-m', 'fixed'], ON)
      expect(fixed.code, fixed.output).toBe(0)
      expect(fixed.stderr).toContain(ANSWERED)
      expect(fixed.stderr).toMatch(/lint \d+ms ✓/)
    },
    SLOW,
  )

  test(
    'refuses a commit whose environment differs where its loaded code read it: the launcher runs the hook itself',
    () => {
      const repo = withStandby()
      repo.write('b.txt', 'b\n')
      repo.git(['add', '.'])
      const run = repo.git(['commit', '-m', 'other env'], { ...ON, CODEX_HOOK_RUNNER: 'auto' })
      expect(run.code, run.output).toBe(0)
      expect(run.stderr).toContain('standby: standby refused: the environment changed (CODEX_HOOK_RUNNER)')
      expect(run.stderr).not.toContain(ANSWERED)
      expect(run.stderr).toMatch(/codex-gates pre-commit ✓ 1 file/)
    },
    SLOW,
  )

  test(
    'CODEX_HOOK_STANDBY=0 neither asks nor leaves one; `hook standby stop` ends one',
    () => {
      const repo = withStandby()
      expect(stop(repo)).toBe('stopped the hook standby\n')
      expect(existsSync(socketOf(repo))).toBe(false)
      repo.write('c.txt', 'c\n')
      repo.git(['add', '.'])
      const off = repo.git(['commit', '-m', 'off'], { ...ON, CODEX_HOOK_STANDBY: '0' })
      expect(off.code, off.output).toBe(0)
      expect(off.stderr).not.toContain('standby')
      spawnSync('sleep', ['1'])
      expect(existsSync(socketOf(repo))).toBe(false)
      expect(stop(repo)).toBe('no hook standby was running\n')

      const outside = tempDir('standby-outside-')
      const r = spawnSync(process.execPath, [join(REPO_ROOT, '.husky', 'launch.cjs'), 'standby', 'stop'], {
        cwd: outside,
        env: repo.env,
        encoding: 'utf8',
      })
      expect(r.status).toBe(2)
      expect(r.stderr).toContain(`${outside} is not inside a git work tree`)
      expect(r.stderr).not.toMatch(/BUG|\n\s+at /)
    },
    SLOW,
  )
})
