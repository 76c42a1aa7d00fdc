import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, onTestFinished, test } from 'vitest'
import { openRuffRoute } from '../../../src/adapters/ruff-server/ruff-route.ts'
import { serveRuff } from '../../../src/adapters/ruff-server/ruff-server.ts'
import {
  ruffServerDir,
  ruffServerIdentity,
  ruffSocketPath,
  ruffSockets,
} from '../../../src/adapters/ruff-server/ruff-server-place.ts'
import { frame } from '../../../src/adapters/ruff-server/ruff-server-protocol.ts'
import { PYTHON_LINT_DEFAULTS, scanPythonLint } from '../../../src/domain/gates/python-lint/python-lint-gate.ts'
import type { EventMeta } from '../../../src/ledger/ledger-meta.ts'

/** A temp folder removed after the test. */
function scratch(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** A Python repository with one violation (F401) and one file to reformat, and a runtime folder of its own. */
function setup(extra: NodeJS.ProcessEnv = {}) {
  const root = scratch('ruff-route-')
  writeFileSync(join(root, 'pyproject.toml'), '[tool.ruff.lint]\nselect = ["E", "F"]\n')
  writeFileSync(join(root, 'a.py'), 'import os\n')
  writeFileSync(join(root, 'b.py'), "x = 'a'\n")
  const runtime = scratch('ruff-route-run-')
  // CI='' is unset for codex-gates, whatever the machine running the specs says.
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_RUNTIME_DIR: runtime, CODEX_RUFF_SERVER: '1', CI: '', ...extra }
  const dir = ruffServerDir(env)
  if ('refused' in dir) throw new Error(dir.refused)
  const identity = ruffServerIdentity()
  return { root, env, dir: dir.dir, identity, path: ruffSocketPath(dir.dir, identity), files: ['a.py', 'b.py'] }
}

const serverEvent = (events: EventMeta[] | undefined) =>
  events?.map((e) => e.data as Record<string, unknown> | undefined).find((d) => d?.ruff_server !== undefined)

describe('openRuffRoute()', () => {
  test('a warm server with this identity serves the scan: the findings are the in-process scan’s, and the ledger event says served', async () => {
    const s = setup()
    const server = await serveRuff({ path: s.path, identity: s.identity, idleMs: 60_000 })
    try {
      const result = await (await openRuffRoute(s.env)).scan(s.root, s.files, PYTHON_LINT_DEFAULTS)
      expect(serverEvent(result.events)).toMatchObject({ ruff_server: 'served', pid: process.pid })
      expect(result.findings).toEqual(scanPythonLint(s.root, s.files, PYTHON_LINT_DEFAULTS).findings)
      expect(result.findings.map((f) => f.rule)).toEqual(['F401', 'format'])
    } finally {
      server.stop('spec')
    }
  })

  test('a server that answers nonsense: linted in-process, same findings, a warning event (not a failure)', async () => {
    const s = setup()
    const liar = createServer((socket) => {
      socket.write(frame({ type: 'hello', identity: s.identity, pid: 4242 }))
      socket.on('data', () => socket.write(frame({ type: 'bad-frame', id: 1, message: 'confused' })))
    })
    await new Promise<void>((r) => liar.listen(s.path, r))
    try {
      const result = await (await openRuffRoute(s.env)).scan(s.root, s.files, PYTHON_LINT_DEFAULTS)
      expect(serverEvent(result.events)).toEqual({
        step: 'python-lint',
        ruff_server: 'fallback',
        why: 'the ruff server answered bad-frame: confused',
      })
      expect(result.findings).toEqual(scanPythonLint(s.root, s.files, PYTHON_LINT_DEFAULTS).findings)
    } finally {
      liar.close()
    }
  })

  test('a server of another identity at the socket is not used: linted in-process', async () => {
    const s = setup({ CI: 'true' })
    const server = await serveRuff({ path: s.path, identity: 'another version', idleMs: 60_000 })
    try {
      const result = await (await openRuffRoute(s.env)).scan(s.root, s.files, PYTHON_LINT_DEFAULTS)
      expect(serverEvent(result.events)).toMatchObject({ ruff_server: 'cold', why: 'identity mismatch' })
      expect(result.findings).toEqual(scanPythonLint(s.root, s.files, PYTHON_LINT_DEFAULTS).findings)
    } finally {
      server.stop('spec')
    }
  })

  test("python-lint's `server: false` keeps a running server unused", async () => {
    const s = setup()
    const server = await serveRuff({ path: s.path, identity: s.identity, idleMs: 60_000 })
    try {
      const config = { ...PYTHON_LINT_DEFAULTS, server: false }
      const result = await (await openRuffRoute(s.env)).scan(s.root, s.files, config)
      expect(serverEvent(result.events)).toMatchObject({
        ruff_server: 'cold',
        why: 'not used: python-lint server: false',
      })
    } finally {
      server.stop('spec')
    }
  })

  test('CODEX_RUFF_SERVER=0: no connection, no server started, no socket folder needed', async () => {
    const s = setup({ CODEX_RUFF_SERVER: '0' })
    const result = await (await openRuffRoute(s.env)).scan(s.root, s.files, PYTHON_LINT_DEFAULTS)
    expect(serverEvent(result.events)).toMatchObject({ ruff_server: 'cold', why: 'not used: CODEX_RUFF_SERVER=0' })
    expect(serverEvent(result.events)?.spawned_pid).toBeUndefined()
  })

  test('a socket folder others may enter is refused: linted in-process, nothing started there', async () => {
    const s = setup()
    chmodSync(s.dir, 0o755)
    const result = await (await openRuffRoute(s.env)).scan(s.root, s.files, PYTHON_LINT_DEFAULTS)
    expect(serverEvent(result.events)).toMatchObject({
      ruff_server: 'cold',
      why: `not used: ${s.dir} has mode 755, not 700`,
    })
    expect(serverEvent(result.events)?.spawned_pid).toBeUndefined()
    expect(result.findings).toEqual(scanPythonLint(s.root, s.files, PYTHON_LINT_DEFAULTS).findings)
  })

  test('CI set and no server: linted in-process and none started', async () => {
    const s = setup({ CI: 'true' })
    const result = await (await openRuffRoute(s.env)).scan(s.root, s.files, PYTHON_LINT_DEFAULTS)
    const event = serverEvent(result.events)
    expect(event).toMatchObject({ ruff_server: 'cold', why: 'no server' })
    expect(event?.spawned_pid).toBeUndefined()
    await new Promise((r) => setTimeout(r, 300))
    expect(ruffSockets(s.dir)).toEqual([])
    expect(existsSync(s.path)).toBe(false)
  })
})
