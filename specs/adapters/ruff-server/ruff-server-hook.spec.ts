import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, onTestFinished, test } from 'vitest'
import { connectRuffServer } from '../../../src/adapters/ruff-server/ruff-client.ts'
import { stopRuffServers } from '../../../src/adapters/ruff-server/ruff-server-admin.ts'
import { ruffSockets } from '../../../src/adapters/ruff-server/ruff-server-place.ts'
import { type HookRepo, hookRepo } from '../hooks/hook-repo.ts'

const SLOW = 180_000
const UNUSED = 'import os\nimport sys\n\n\ndef cwd() -> str:\n    return os.getcwd()\n'

/** A runtime folder of the test's own; every server started in it is stopped, and the folder removed, after the test. */
function runtime(): { env: Record<string, string>; sockets: string } {
  const base = mkdtempSync(join(tmpdir(), 'ruff-hook-run-'))
  const sockets = join(base, 'codex-gates')
  onTestFinished(async () => {
    if (existsSync(sockets)) await stopRuffServers(sockets, 10_000)
    rmSync(base, { recursive: true, force: true })
  })
  // CI='' is unset for codex-gates (empty means unset), whatever the machine running the specs says.
  return { env: { XDG_RUNTIME_DIR: base, CODEX_RUFF_SERVER: '1', CI: '' }, sockets }
}

function seeded(): HookRepo {
  const repo = hookRepo('ruff-server-hook-')
  repo.write('pyproject.toml', '[tool.ruff.lint]\nselect = ["E", "F"]\n')
  repo.write('src/pkg/util.py', 'import os\n\n\ndef cwd() -> str:\n    return os.getcwd()\n')
  repo.git(['add', '.'])
  const first = repo.git(['commit', '-m', 'first'], { CODEX_RUFF_SERVER: '0' })
  if (first.code !== 0) throw new Error(`seed commit failed: ${first.output}`)
  repo.write('src/pkg/util.py', UNUSED)
  repo.git(['add', 'src/pkg/util.py'])
  return repo
}

/** The newest pre-commit session's python-lint findings and how the warm server took part. */
function lastRun(repo: HookRepo): { findings: unknown[]; server: Record<string, unknown> | undefined } {
  const [session] = repo.rows<{ id: string }>(
    "SELECT id FROM sessions WHERE kind = 'pre-commit' ORDER BY started_at DESC, rowid DESC LIMIT 1",
  )
  const findings = repo.rows(
    "SELECT rule, file, line, message, remediation, fingerprint FROM findings WHERE session_id = ? AND gate = 'python-lint' ORDER BY line, rule",
    session?.id,
  )
  const events = repo.rows<{ data_json: string }>(
    "SELECT data_json FROM events WHERE session_id = ? AND json_extract(data_json, '$.ruff_server') IS NOT NULL",
    session?.id,
  )
  return { findings, server: events[0] ? JSON.parse(events[0].data_json) : undefined }
}

/** Waits until a server in `sockets` says hello (it does once ruff is warm in it). */
async function untilServing(sockets: string): Promise<void> {
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    for (const path of ruffSockets(sockets)) {
      const { client } = await connectRuffServer(path, undefined, 20_000)
      if (client) return client.close()
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error('no ruff server answered')
}

describe('pre-commit python-lint with the warm ruff server', () => {
  test(
    'the first commit lints in-process and starts a server; the next is served by it with the same findings',
    async () => {
      const repo = seeded()
      const { env, sockets } = runtime()
      const cold = repo.git(['commit', '-m', 'unused import'], env)
      expect(cold.code).not.toBe(0)
      const first = lastRun(repo)
      expect(first.server).toMatchObject({ ruff_server: 'cold', why: 'no server' })
      expect(first.server?.spawned_pid).toEqual(expect.any(Number))
      expect(first.findings).toEqual([expect.objectContaining({ rule: 'F401', line: 2 })])

      await untilServing(sockets)
      const warm = repo.git(['commit', '-m', 'unused import'], env)
      expect(warm.code).not.toBe(0)
      expect(warm.stderr).toContain('python-lint src/pkg/util.py:2 F401: `sys` imported but unused (col 8)')
      const second = lastRun(repo)
      expect(second.server).toMatchObject({ ruff_server: 'served' })
      expect(second.findings).toEqual(first.findings)
      expect(ruffSockets(sockets)).toHaveLength(1)
    },
    SLOW,
  )

  test(
    'with CI set no server is started',
    async () => {
      const repo = seeded()
      const { env, sockets } = runtime()
      const run = repo.git(['commit', '-m', 'unused import'], { ...env, CI: 'true' })
      expect(run.code).not.toBe(0)
      const { server } = lastRun(repo)
      expect(server).toMatchObject({ ruff_server: 'cold', why: 'no server' })
      expect(server?.spawned_pid).toBeUndefined()
      await new Promise((r) => setTimeout(r, 500))
      expect(ruffSockets(sockets)).toEqual([])
    },
    SLOW,
  )
})
