import { spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync } from 'node:fs'
import { createConnection, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest'
import { connectRuffServer, type RuffClient } from '../../../src/adapters/ruff-server/ruff-client.ts'
import { serveRuff } from '../../../src/adapters/ruff-server/ruff-server.ts'
import { stopRuffServers } from '../../../src/adapters/ruff-server/ruff-server-admin.ts'
import {
  ruffServerDir,
  ruffServerEntry,
  ruffServerIdentity,
  ruffSocketPath,
} from '../../../src/adapters/ruff-server/ruff-server-place.ts'
import { spawnRuffServer } from '../../../src/adapters/ruff-server/spawn-ruff-server.ts'
import { validateRuffConfig } from '../../../src/domain/gates/python-lint/merge-ruff-chain.ts'
import { lintRequest, type PythonLintRequest } from '../../../src/domain/gates/python-lint/python-lint-gate.ts'
import { tempDir } from '../../support/temp-dir.ts'

const SLOW = 60_000

/** A temp folder removed after the test (or, outside a test, after the file). */
function scratch(prefix: string): string {
  const inTest = expect.getState().currentTestName !== undefined
  if (!inTest) return tempDir(prefix)
  const dir = mkdtempSync(join(tmpdir(), prefix))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** A runtime folder of the spec's own (XDG_RUNTIME_DIR), so no spec touches the user's servers. */
function runtime(): { env: NodeJS.ProcessEnv; dir: string } {
  const base = scratch('ruff-server-')
  chmodSync(base, 0o700)
  const env = { ...process.env, XDG_RUNTIME_DIR: base }
  const dir = ruffServerDir(env)
  if ('refused' in dir) throw new Error(dir.refused)
  return { env, dir: dir.dir }
}

const request = (text: string, select: string[] = ['E', 'F'], format = true): PythonLintRequest => ({
  path: 'pkg/m.py',
  text,
  settings: { options: { lint: { select } }, format: true, configFiles: [] },
  format,
})

describe('serveRuff()', () => {
  test('states its identity first; a client expecting another leaves before sending anything', async () => {
    const { dir } = runtime()
    const path = join(dir, 'ruff-a.sock')
    const server = await serveRuff({ path, identity: 'me', idleMs: 60_000 })
    try {
      const other = await connectRuffServer(path, 'someone else', 2000)
      expect(other).toMatchObject({ why: 'identity mismatch', identity: 'me' })
      expect(other.client).toBeUndefined()
      const mine = await connectRuffServer(path, 'me', 2000)
      const client = mine.client as RuffClient
      expect(client.pid).toBe(process.pid)
      expect((await client.status(2000)).served).toBe(0) // the mismatched client sent nothing
      expect(await client.lint([], [request('import os\n')], 5000)).toEqual([lintRequest(request('import os\n'))])
      expect((await client.status(2000)).served).toBe(1)
      client.close()
    } finally {
      server.stop('spec')
    }
    expect(await server.closed).toBe('spec')
    expect(existsSync(path)).toBe(false)
  })

  test('a lint request that comes before the warm-up is done waits for it; status says whether it is warm', async () => {
    const { dir } = runtime()
    const path = join(dir, 'ruff-ready.sock')
    let warmed: () => void = () => {}
    const ready = new Promise<void>((resolve) => {
      warmed = resolve
    })
    const server = await serveRuff({ path, identity: 'me', idleMs: 60_000, ready })
    const client = (await connectRuffServer(path, 'me', 2000)).client as RuffClient
    try {
      expect((await client.status(2000)).warm).toBe(false)
      let answered = false
      const linting = client.lint([], [request('import os\n')], 5000).then((findings) => {
        answered = true
        return findings
      })
      await new Promise((r) => setTimeout(r, 100))
      expect(answered).toBe(false)
      warmed()
      expect(await linting).toEqual([lintRequest(request('import os\n'))])
      expect((await client.status(2000)).warm).toBe(true)
    } finally {
      client.close()
      server.stop('spec')
    }
  })

  test('exits after its idle time and removes its socket', async () => {
    const { dir } = runtime()
    const path = join(dir, 'ruff-idle.sock')
    const server = await serveRuff({ path, identity: 'me', idleMs: 150 })
    expect(existsSync(path)).toBe(true)
    expect(await server.closed).toBe('idle')
    expect(existsSync(path)).toBe(false)
  })

  test('exits when its socket file is removed', async () => {
    const { dir } = runtime()
    const path = join(dir, 'ruff-gone.sock')
    const server = await serveRuff({ path, identity: 'me', idleMs: 60_000, watchMs: 20 })
    unlinkSync(path)
    expect(await server.closed).toBe('replaced')
  })

  test('two started at once leave exactly one serving', async () => {
    const { dir } = runtime()
    const path = join(dir, 'ruff-race.sock')
    const servers = await Promise.all(
      [0, 1, 2].map(() => serveRuff({ path, identity: 'me', idleMs: 60_000, watchMs: 20 })),
    )
    const outcomes = await Promise.all(
      servers.map((s) => Promise.race([s.closed, new Promise((r) => setTimeout(() => r('running'), 300))])),
    )
    expect(outcomes.filter((o) => o === 'running')).toHaveLength(1)
    expect(outcomes.filter((o) => o !== 'running').every((o) => o === 'replaced' || o === 'already served')).toBe(true)
    const { client } = await connectRuffServer(path, 'me', 2000)
    expect(client).toBeDefined()
    client?.close()
    for (const s of servers) s.stop('spec')
  })

  test('a frame that is not JSON is answered bad-frame and the connection closed', async () => {
    const { dir } = runtime()
    const path = join(dir, 'ruff-bad.sock')
    const server = await serveRuff({ path, identity: 'me', idleMs: 60_000 })
    const lines = await new Promise<string[]>((resolve) => {
      const socket = createConnection(path)
      let text = ''
      socket.on('data', (d) => {
        text += d.toString()
      })
      socket.on('close', () => resolve(text.trim().split('\n')))
      socket.write('{not json\n')
    })
    expect(JSON.parse(lines[1] as string)).toMatchObject({ type: 'bad-frame', message: 'not JSON' })
    server.stop('spec')
  })
})

describe('connectRuffServer()', () => {
  test('removes a socket file whose server died (ECONNREFUSED) and says so', async () => {
    const { dir } = runtime()
    const path = join(dir, 'ruff-stale.sock')
    // A process that binds the socket and is killed: its file stays behind, nobody listens.
    await new Promise<void>((resolve) => {
      const child = spawn(process.execPath, [
        '-e',
        `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`,
      ])
      child.on('exit', () => resolve())
    })
    expect(existsSync(path)).toBe(true)
    expect(await connectRuffServer(path, 'me', 2000)).toEqual({ why: 'stale socket removed' })
    expect(existsSync(path)).toBe(false)
    expect((await connectRuffServer(path, 'me', 2000)).why).toBe('no server')
  })

  test('a listener that never says hello is given up after the timeout', async () => {
    const { dir } = runtime()
    const path = join(dir, 'ruff-mute.sock')
    const mute = createServer(() => {})
    await new Promise<void>((r) => mute.listen(path, r))
    expect((await connectRuffServer(path, 'me', 100)).why).toBe('no hello within 100 ms')
    mute.close()
  })
})

describe('the server process (spawnRuffServer, from source)', () => {
  const place = runtime()
  let client: RuffClient
  beforeAll(async () => {
    const entry = ruffServerEntry()
    const identity = ruffServerIdentity(entry)
    expect(spawnRuffServer(entry, place.dir, 120_000, place.env)).toBeGreaterThan(0)
    const path = ruffSocketPath(place.dir, identity)
    const deadline = Date.now() + 45_000
    while (Date.now() < deadline) {
      const connected = await connectRuffServer(path, identity, 20_000)
      if (connected.client) {
        client = connected.client
        return
      }
      await new Promise((r) => setTimeout(r, 50))
    }
    throw new Error('the spawned ruff server never answered')
  }, SLOW)
  afterAll(async () => {
    client?.close()
    expect(await stopRuffServers(place.dir)).toBe(1)
    expect(existsSync(ruffSocketPath(place.dir, ruffServerIdentity()))).toBe(false)
  })

  const LINES = [
    'import os',
    'import sys',
    'from typing import List',
    'x = 1',
    'x == None',
    'def f(a, b=[]):',
    '    return a',
    '    pass',
    "s = 'quoted'",
    'y = [i for i in range(10)]',
    'if x:',
    '    print("😀", x)',
    'l = lambda: 0',
    'class A(object): pass',
    '    ',
    'def (',
    'print(f"{x!r}")',
    'a_very_long_name_to_break_the_line_length = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"',
  ]
  const FAMILIES = ['E', 'F', 'W', 'I', 'B', 'UP', 'SIM', 'C4']

  test(
    "its answers are the in-process ones: lintRequest's findings for generated text and settings",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.constantFrom(...LINES), { maxLength: 14 }),
          fc.subarray(FAMILIES),
          fc.integer({ min: 20, max: 120 }),
          fc.boolean(),
          fc.boolean(),
          async (lines, select, lineLength, format, bom) => {
            const text = `${bom ? '\ufeff' : ''}${lines.join('\n')}\n`
            const req: PythonLintRequest = {
              path: 'pkg/gen.py',
              text,
              settings: { options: { 'line-length': lineLength, lint: { select } }, format, configFiles: [] },
              format: true,
            }
            expect(await client.lint([], [req], 10_000)).toEqual([lintRequest(req)])
          },
        ),
        { numRuns: 40 },
      )
    },
    SLOW,
  )

  test('settings ruff rejects are rejected with the in-process error (message, code and hint)', async () => {
    const bad = { file: 'pyproject.toml', dir: '', options: { lint: { select: ['NOPE1'] } } }
    let local: unknown
    try {
      validateRuffConfig(bad)
    } catch (error) {
      local = error
    }
    expect(local).toBeInstanceOf(Error)
    await expect(client.lint([bad], [request('x = 1\n')], 10_000)).rejects.toMatchObject({
      message: (local as Error).message,
      code: 'PYTHON_LINT_CONFIG',
    })
  })
})

describe('the server process and SIGTERM', () => {
  test(
    'exits on SIGTERM and removes its socket',
    async () => {
      const place = runtime()
      const entry = ruffServerEntry()
      const path = ruffSocketPath(place.dir, ruffServerIdentity(entry))
      const pid = spawnRuffServer(entry, place.dir, 120_000, place.env) as number
      const deadline = Date.now() + 45_000
      while (!existsSync(path) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
      expect(existsSync(path)).toBe(true)
      process.kill(pid, 'SIGTERM')
      const alive = () => {
        try {
          process.kill(pid, 0)
          return true
        } catch {
          return false
        }
      }
      while ((alive() || existsSync(path)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
      expect(existsSync(path)).toBe(false)
      expect(alive()).toBe(false)
    },
    SLOW,
  )
})

describe('ruffServerDir()', () => {
  test('creates the folder 0700 and refuses one others may enter', () => {
    const base = scratch('ruff-dir-')
    chmodSync(base, 0o700)
    const env = { ...process.env, XDG_RUNTIME_DIR: base }
    expect(ruffServerDir(env)).toEqual({ dir: join(base, 'codex-gates') })
    chmodSync(join(base, 'codex-gates'), 0o755)
    expect(ruffServerDir(env)).toEqual({ refused: `${join(base, 'codex-gates')} has mode 755, not 700` })
  })

  test('refuses a path that is not a folder', () => {
    const base = scratch('ruff-dir-')
    mkdirSync(join(base, 'elsewhere'), { mode: 0o700 })
    symlinkSync(join(base, 'elsewhere'), join(base, 'codex-gates'))
    expect(ruffServerDir({ XDG_RUNTIME_DIR: base })).toEqual({
      refused: `${join(base, 'codex-gates')} is not a folder`,
    })
  })
})
