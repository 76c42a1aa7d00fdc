// The standby's socket, in one process (standby-server.ts answering standby-client.cjs): one
// launcher per standby, the socket gone as soon as it connects; a refusal leaves the launcher to
// run the hook itself; an accepted request gets the output relayed and the exit code back; a
// launcher that goes away mid-run is noticed; a standby whose socket is taken over leaves.
import { existsSync, mkdirSync, unlinkSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { askStandby } from '../../../src/adapters/hooks/standby-client.cjs'
import { secureFolder, standbyPlace } from '../../../src/adapters/hooks/standby-place.cjs'
import { FRAME, frameReader, PROTOCOL } from '../../../src/adapters/hooks/standby-protocol.cjs'
import { awaitRequest, type ServeOptions } from '../../../src/adapters/hooks/standby-server.ts'
import { tempDir } from '../../support/temp-dir.ts'

afterEach(() => {
  vi.restoreAllMocks()
})

/** A work tree with a `.git` folder and the standby's place in it. */
function workTree() {
  const top = tempDir('standby-server-')
  mkdirSync(join(top, '.git'))
  const place = standbyPlace(top, {})
  if (place === undefined) throw new Error('no place')
  expect(secureFolder(place.dir)).toBeUndefined()
  return { top, place }
}

function serve(place: { socket: string }, judge: ServeOptions['judge'], idleMs = 20_000) {
  // An absolute address: the spec process does not run at the work tree's top.
  const asked = awaitRequest({ address: place.socket, socket: place.socket, idleMs, judge })
  return asked
}

async function listening(socket: string): Promise<void> {
  for (let i = 0; i < 200 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 10))
}

describe('standby socket', () => {
  test('an accepted request: the socket goes at once, output is relayed in order, the exit code comes back', async () => {
    const { top, place } = workTree()
    const asked = serve(place, () => undefined)
    await listening(place.socket)
    const written: string[] = []
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(`out:${String(chunk)}`)
      return true
    })
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      written.push(`err:${String(chunk)}`)
      return true
    })
    const answer = askStandby(top, ['pre-commit', '--x'], { CODEX_STANDBY_SPEC: 'yes' })
    const got = await asked
    expect(got).toBeDefined()
    if (got === undefined) return
    expect(existsSync(place.socket)).toBe(false) // a second commit finds no socket and runs the hook itself
    expect(got.request.argv).toEqual(['pre-commit', '--x'])
    expect(got.request.env).toEqual({ CODEX_STANDBY_SPEC: 'yes' })
    expect(got.request.cwd).toBe(top)
    expect(got.request.node).toBe(process.version)
    got.reply.stderr('codex-gates pre-commit ✗\n')
    got.reply.stdout(Buffer.from('a line\n'))
    got.reply.stderr('commit refused\n')
    await got.reply.exit(1)
    expect(await answer).toEqual({ ran: true, code: 1 })
    expect(written).toEqual(['err:codex-gates pre-commit ✗\n', 'out:a line\n', 'err:commit refused\n'])
  })

  test('a refused request: the launcher is told why and runs the hook itself; the standby is done', async () => {
    const { top, place } = workTree()
    const asked = serve(place, (request) => `the environment changed (${Object.keys(request.env)[0]})`)
    await listening(place.socket)
    const answer = await askStandby(top, ['pre-commit'], { SOME_NAME: 'its value' })
    expect(answer).toEqual({ ran: false, why: 'standby refused: the environment changed (SOME_NAME)' })
    expect(await asked).toBeUndefined()
    expect(existsSync(place.socket)).toBe(false)
  })

  test('no socket, or a socket nobody listens on: the launcher runs the hook itself', async () => {
    const { top, place } = workTree()
    expect(await askStandby(top, ['pre-commit'], {})).toEqual({ ran: false, why: 'no standby' })
    const asked = serve(place, () => undefined, 300)
    await listening(place.socket)
    // What a standby that died leaves there: a path nothing answers on.
    unlinkSync(place.socket)
    mkdirSync(place.socket)
    expect(await askStandby(top, ['pre-commit'], {})).toEqual({ ran: false, why: 'no standby answered' })
    expect(await asked).toBeUndefined() // idle: it leaves
  })

  test('refused after all (the code changed): the launcher runs the hook itself', async () => {
    const { top, place } = workTree()
    const asked = serve(place, () => undefined)
    await listening(place.socket)
    const answer = askStandby(top, ['pre-commit'], {})
    const got = await asked
    if (got === undefined) throw new Error('not accepted')
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    await got.reply.refuse('the runner was rebuilt')
    expect(await answer).toEqual({ ran: false, why: 'standby refused: the runner was rebuilt' })
    await got.reply.lost
  })

  test('a launcher that goes away mid-run (killed) is noticed: `lost` resolves', async () => {
    const { place } = workTree()
    const asked = serve(place, () => undefined)
    await listening(place.socket)
    const launcher = connect(place.socket)
    launcher.on('error', () => {})
    const request = { v: PROTOCOL, argv: ['pre-commit'], cwd: '/', env: {}, uptime: 1, node: 'v0', exec: 'node' }
    launcher.write(`${JSON.stringify(request)}\n`)
    const got = await asked
    if (got === undefined) throw new Error('not accepted')
    launcher.destroy()
    await got.reply.lost
    await got.reply.exit(0) // nobody to answer: it does not wait
  })

  test('a request it cannot read is refused', async () => {
    const { place } = workTree()
    const asked = serve(place, () => undefined)
    await listening(place.socket)
    const launcher = connect(place.socket)
    const frames: number[] = []
    launcher.on(
      'data',
      frameReader((type) => frames.push(type)),
    )
    launcher.write('{"v": 999}\n')
    expect(await asked).toBeUndefined()
    await new Promise((r) => launcher.once('close', r))
    expect(frames).toEqual([FRAME.refused])
  })

  test('idle, it leaves and takes its socket along', async () => {
    const { place } = workTree()
    const asked = serve(place, () => undefined, 200)
    await listening(place.socket)
    expect(await asked).toBeUndefined()
    expect(existsSync(place.socket)).toBe(false)
  })
})
