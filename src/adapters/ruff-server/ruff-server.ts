import { chmodSync, lstatSync, renameSync, unlinkSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import { validateRuffConfig } from '../../domain/gates/python-lint/merge-ruff-chain.ts'
import { lintRequest } from '../../domain/gates/python-lint/python-lint-gate.ts'
import { UserError } from '../../foundation/errors/user-error.ts'
import { connectRuffServer } from './ruff-client.ts'
import { type ClientRequest, frame, lineReader, type ServerAnswer } from './ruff-server-protocol.ts'

export interface ServeOptions {
  /** The socket (ruffSocketPath). */
  path: string
  identity: string
  /** Exit after this long without a request (ms). */
  idleMs: number
  /** How often the socket file is checked to still be this server's (ms). Default 1000. */
  watchMs?: number
  /**
   * Resolves once ruff is warm here (the server's own warm-up): lint requests wait for it instead
   * of compiling ruff a second time beside it. Default: warm at once.
   */
  ready?: Promise<unknown>
}

export interface RunningServer {
  /** Resolves with why the server stopped: `idle`, `stop`, `signal`, `replaced` or `already served`. */
  closed: Promise<string>
  stop(why: string): void
}

/**
 * Serves `lintRequest` (the same function the in-process gate calls) over a Unix socket (a named
 * pipe on Windows). The socket is bound under a temporary name and renamed into place, so two
 * servers started at once never leave a half-made socket: the later rename wins and the other
 * server, finding its socket file replaced, exits. One already answering with the same identity
 * is left alone (this one exits). Logs nothing; writes no file but its socket. Exits after
 * `idleMs` without a request, on `stop`, and when its socket file is removed or replaced.
 */
export async function serveRuff(options: ServeOptions): Promise<RunningServer> {
  const state = { served: 0, startedAt: new Date().toISOString(), idleMs: options.idleMs, warm: !options.ready }
  void options.ready?.finally(() => {
    state.warm = true
  })
  let stop: (why: string) => void = () => {}
  const closed = new Promise<string>((resolve) => {
    stop = (why) => resolve(why)
  })
  const running = (await connectRuffServer(options.path, options.identity, 500)).client
  if (running) {
    running.close()
    return { closed: Promise.resolve('already served'), stop: () => {} }
  }
  const server = createServer((socket) =>
    connection(
      socket,
      options,
      state,
      () => touch(),
      (why) => finish(why),
    ),
  )
  const unix = process.platform !== 'win32'
  const bound = unix ? `${options.path}.${process.pid}.tmp` : options.path
  if (unix) unlinkQuietly(bound) // left by a process with this pid that died mid-start
  await listen(server, bound)
  let inode = 0
  if (unix) {
    chmodSync(bound, 0o600)
    renameSync(bound, options.path)
    inode = lstatSync(options.path).ino
  }
  let idle: NodeJS.Timeout | undefined
  const touch = () => {
    clearTimeout(idle)
    idle = setTimeout(() => finish('idle'), options.idleMs)
  }
  const mine = () => {
    try {
      return lstatSync(options.path).ino === inode
    } catch {
      return false
    }
  }
  const watch = unix ? setInterval(() => mine() || finish('replaced'), options.watchMs ?? 1000) : undefined
  let done = false
  const finish = (why: string) => {
    if (done) return
    done = true
    clearTimeout(idle)
    clearInterval(watch)
    if (unix && mine()) unlinkQuietly(options.path)
    server.close()
    // Answers already written still flush; connections left open are not waited for.
    setImmediate(() => stop(why))
  }
  touch()
  return { closed, stop: finish }
}

// --- internal ---

interface ServerState {
  served: number
  startedAt: string
  idleMs: number
  warm: boolean
}

function connection(
  socket: Socket,
  options: ServeOptions,
  state: ServerState,
  touch: () => void,
  finish: (why: string) => void,
): void {
  socket.on('error', () => {}) // a client that went away: nothing to answer
  const send = (answer: ServerAnswer) => socket.write(frame(answer))
  socket.write(frame({ type: 'hello', identity: options.identity, pid: process.pid }))
  const badFrame = (id: number | null, message: string) => {
    send({ type: 'bad-frame', id, message })
    socket.end()
  }
  socket.on(
    'data',
    lineReader(
      (line) => {
        let request: ClientRequest
        try {
          request = JSON.parse(line) as ClientRequest
        } catch {
          return badFrame(null, 'not JSON')
        }
        const id = typeof request?.id === 'number' ? request.id : null
        if (id === null) return badFrame(null, 'no numeric id')
        touch()
        if (request.type === 'lint' && Array.isArray(request.requests) && Array.isArray(request.validate)) {
          const { validate, requests } = request
          const lint = () => {
            try {
              for (const config of validate) validateRuffConfig(config)
              const findings = requests.map(lintRequest)
              state.served += requests.length
              send({ type: 'lint', id, findings })
            } catch (error) {
              send(thrown(id, error))
            }
          }
          if (state.warm || !options.ready) return lint()
          return void options.ready.finally(lint)
        }
        if (request.type === 'status') return send({ type: 'status', id, pid: process.pid, ...state })
        if (request.type === 'stop') {
          send({ type: 'stopping', id })
          return finish('stop')
        }
        return badFrame(id, `unknown request type ${JSON.stringify((request as { type?: unknown }).type)}`)
      },
      () => badFrame(null, 'frame too long'),
    ),
  )
}

function thrown(id: number, error: unknown): ServerAnswer {
  if (error instanceof UserError)
    return { type: 'thrown', id, message: error.message, code: error.code, ...(error.hint ? { hint: error.hint } : {}) }
  return { type: 'thrown', id, message: error instanceof Error ? error.message : String(error) }
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(path, () => {
      server.off('error', reject)
      resolve()
    })
  })
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path)
  } catch {
    // already gone
  }
}
