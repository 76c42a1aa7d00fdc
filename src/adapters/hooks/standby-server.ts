import { statSync, unlinkSync } from 'node:fs'
import { createServer, type Socket } from 'node:net'
import { FRAME, frame, PROTOCOL } from './standby-protocol.cjs'

/** What the launcher asks of a standby (standby-client.cjs writes it). */
export interface StandbyRequest {
  /** The hook and its arguments, e.g. ['pre-commit']. */
  argv: string[]
  /** The work tree's top level, where git runs hooks. */
  cwd: string
  /** The launcher's whole environment. */
  env: Record<string, string>
  /** The launcher's process.uptime() in ms when it asked: the hook's clock starts with the launcher. */
  uptime: number
  /** The launcher's Node: process.version and process.execPath. */
  node: string
  exec: string
}

/** The accepted request's answer channel: the hook's output, then its exit code. */
export interface StandbyReply {
  stdout(text: string | Uint8Array): void
  stderr(text: string | Uint8Array): void
  /** Sends the exit code and closes; resolves once it is written. */
  exit(code: number): Promise<void>
  /** Refuses after all, before the hook wrote anything (the launcher runs it itself). */
  refuse(why: string): Promise<void>
  /** Resolves when the launcher goes away (it was killed): the run must stop. */
  lost: Promise<void>
}

export interface ServeOptions {
  /** Where to listen (standby-place.cjs's `address`) and the socket file it makes. */
  address: string
  socket: string
  /** Exit unused after this long (ms). */
  idleMs: number
  /** Why the request cannot be served here (the launcher then runs the hook itself), or undefined. */
  judge: (request: StandbyRequest) => string | undefined
}

/** How often an idle standby checks its socket is still its own (a newer standby replaces it). */
const WATCH_MS = 10_000
const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const
/** A request line longer than this is refused (an environment is a few kB). */
const MAX_REQUEST = 4 * 1024 * 1024

/**
 * Listens for one launcher, once: resolves with its request and the reply channel once `judge`
 * accepts it, or undefined when the standby should just exit (idle, replaced, refused, a bad
 * request). The socket file goes as soon as a launcher connects, so a second commit never waits
 * for this one's standby: it runs the hook itself.
 */
export function awaitRequest(
  options: ServeOptions,
): Promise<{ request: StandbyRequest; reply: StandbyReply } | undefined> {
  return new Promise((resolve) => {
    const server = createServer()
    let inode = 0
    // Stopped while waiting (`kill`, a logout): the socket goes too, not left for a launcher to try.
    const onSignal = () => {
      stop()
      resolve(undefined)
    }
    const stop = () => {
      for (const signal of SIGNALS) process.off(signal, onSignal)
      clearTimeout(idle)
      clearInterval(watch)
      server.close()
      if (inode !== 0 && socketInode(options.socket) === inode) removeSocket(options.socket)
    }
    const idle = setTimeout(() => {
      stop()
      resolve(undefined)
    }, options.idleMs)
    const watch = setInterval(() => {
      if (socketInode(options.socket) !== inode) {
        stop()
        resolve(undefined)
      }
    }, WATCH_MS)
    // Another standby took the socket between our unlink and listen: it serves, this one leaves.
    server.on('error', () => {
      stop()
      resolve(undefined)
    })
    server.once('connection', (socket) => {
      stop()
      readRequest(socket).then(
        (request) => {
          const why = request === undefined ? 'a request it cannot read' : options.judge(request)
          if (request === undefined || why !== undefined) {
            void ending(socket, frame(FRAME.refused, why ?? 'refused')).then(() => resolve(undefined))
            return
          }
          socket.write(frame(FRAME.accepted, String(process.pid)))
          resolve({ request, reply: replyOn(socket) })
        },
        () => {
          socket.destroy()
          resolve(undefined)
        },
      )
    })
    for (const signal of SIGNALS) process.on(signal, onSignal)
    removeSocket(options.socket) // one left by a standby that did not exit cleanly
    server.listen(options.address, () => {
      inode = socketInode(options.socket)
    })
  })
}

// --- internal ---

function readRequest(socket: Socket): Promise<StandbyRequest | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      const end = chunk.indexOf(0x0a)
      chunks.push(end === -1 ? chunk : chunk.subarray(0, end))
      size += chunk.length
      if (end === -1 && size <= MAX_REQUEST) return
      socket.off('data', onData)
      resolve(end === -1 ? undefined : parseRequest(Buffer.concat(chunks).toString('utf8')))
    }
    socket.on('data', onData)
    socket.once('error', reject)
    socket.once('close', () => resolve(undefined))
  })
}

function parseRequest(text: string): StandbyRequest | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null) return undefined
  const r = value as Record<string, unknown>
  const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string')
  const env = r.env
  const envOk = typeof env === 'object' && env !== null && Object.values(env).every((v) => typeof v === 'string')
  if (r.v !== PROTOCOL || !strings(r.argv) || typeof r.cwd !== 'string' || !envOk) return undefined
  if (typeof r.uptime !== 'number' || typeof r.node !== 'string' || typeof r.exec !== 'string') return undefined
  return {
    argv: r.argv,
    cwd: r.cwd,
    env: env as Record<string, string>,
    uptime: r.uptime,
    node: r.node,
    exec: r.exec,
  }
}

/** Writes the last frame and closes; resolves once it is written, the launcher is gone, or after 2 s. */
function ending(socket: Socket, bytes: Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve()
    const timer = setTimeout(resolve, 2000)
    const done = () => {
      clearTimeout(timer)
      resolve()
    }
    socket.once('close', done)
    socket.end(bytes, done)
  })
}

function replyOn(socket: Socket): StandbyReply {
  const last = (bytes: Buffer) => ending(socket, bytes)
  const lost = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  socket.on('error', () => {}) // 'close' follows
  const send = (type: number) => (text: string | Uint8Array) => {
    if (!socket.destroyed) socket.write(frame(type, text))
  }
  return {
    stdout: send(FRAME.stdout),
    stderr: send(FRAME.stderr),
    exit: (code) => last(frame(FRAME.exit, String(code))),
    refuse: (why) => last(frame(FRAME.refused, why)),
    lost,
  }
}

function socketInode(path: string): number {
  try {
    return statSync(path).ino
  } catch {
    return -1
  }
}

function removeSocket(path: string): void {
  try {
    unlinkSync(path)
  } catch {
    // gone already
  }
}
