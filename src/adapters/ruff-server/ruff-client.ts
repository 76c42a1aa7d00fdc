import { lstatSync, unlinkSync } from 'node:fs'
import { connect } from 'node:net'
import type { Finding } from '../../domain/gates/finding.ts'
import type { RuffConfigFile } from '../../domain/gates/python-lint/load-ruff-chain.ts'
import type { PythonLintRequest } from '../../domain/gates/python-lint/python-lint-gate.ts'
import { type ClientRequest, frame, lineReader, type ServerAnswer, type ServerHello } from './ruff-server-protocol.ts'

/** ruff itself rejected the request (validateRuffConfig or lintRequest threw): the in-process scan would throw the same. */
export class RuffEngineError extends Error {
  constructor(
    message: string,
    readonly code?: string,
    readonly hint?: string,
  ) {
    super(message)
  }
}

/** A connection to a warm ruff server that stated the identity asked for. */
export interface RuffClient {
  pid: number
  /** `lintRequest` of each request, in order; rejects on a transport error, a bad answer or `timeoutMs`. */
  lint(validate: RuffConfigFile[], requests: PythonLintRequest[], timeoutMs: number): Promise<Finding[][]>
  status(timeoutMs: number): Promise<Extract<ServerAnswer, { type: 'status' }>>
  stop(timeoutMs: number): Promise<void>
  close(): void
}

/** A connection, or why there is none: `no server`, `stale socket removed`, `identity mismatch`, `timeout`… */
export interface Connected {
  client?: RuffClient
  why: string
  /** The identity the server stated (also on a mismatch). */
  identity?: string
}

/**
 * Connects to the server at `path` and waits for its `hello`; a server stating another identity
 * than `identity` (undefined: any) is left at once, before anything is sent. A socket file nobody
 * listens on (ECONNREFUSED: its server died) is removed, unless it was replaced meanwhile.
 */
export function connectRuffServer(path: string, identity: string | undefined, timeoutMs: number): Promise<Connected> {
  const before = inodeOf(path)
  return new Promise((resolve) => {
    const socket = connect(path)
    let settled = false
    const settle = (result: Connected) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (!result.client) socket.destroy()
      resolve(result)
    }
    // A thread busy elsewhere (the hook's worker imports its gates meanwhile) runs due timers before
    // it reads its sockets: the hello that came in time is read first, in the poll phase, before
    // this gives up in the check phase after it.
    const timer = setTimeout(() => setImmediate(() => settle({ why: `no hello within ${timeoutMs} ms` })), timeoutMs)
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED' && before !== undefined && inodeOf(path) === before) {
        try {
          unlinkSync(path)
          return settle({ why: 'stale socket removed' })
        } catch {
          // removed by someone else
        }
      }
      settle({ why: error.code === 'ENOENT' ? 'no server' : `cannot connect: ${error.code ?? error.message}` })
    })
    const answers = new Map<number, (answer: ServerAnswer | Error) => void>()
    let nextId = 1
    let failed: Error | undefined
    const fail = (error: Error) => {
      failed ??= error
      for (const reply of answers.values()) reply(failed)
      answers.clear()
      socket.destroy()
    }
    socket.on('close', () => fail(new Error('the ruff server closed the connection')))
    socket.on('error', (error) => fail(error))
    socket.on(
      'data',
      lineReader(
        (line) => {
          let message: ServerHello | ServerAnswer
          try {
            message = JSON.parse(line) as ServerHello | ServerAnswer
          } catch {
            return fail(new Error('the ruff server sent a frame that is not JSON'))
          }
          if (message.type === 'hello') {
            if (identity !== undefined && message.identity !== identity)
              return settle({ why: 'identity mismatch', identity: message.identity })
            // An idle connection never keeps the process alive (a worker whose python-lint step was
            // skipped still exits); a request in flight does, through its timer.
            socket.unref()
            return settle({ client: client(message.pid), why: 'connected', identity: message.identity })
          }
          const reply = answers.get(message.id as number)
          if (!reply) return fail(new Error(`the ruff server answered an unknown request (${line.slice(0, 80)})`))
          answers.delete(message.id as number)
          reply(message)
        },
        () => fail(new Error('the ruff server sent a frame too long')),
      ),
    )
    const ask = <T extends ServerAnswer['type']>(
      request: ClientRequest extends infer R ? (R extends ClientRequest ? Omit<R, 'id'> : never) : never,
      expected: T,
      timeoutMs: number,
    ): Promise<Extract<ServerAnswer, { type: T }>> =>
      new Promise((resolveAnswer, reject) => {
        if (failed) return reject(failed)
        const id = nextId++
        const timer = setTimeout(
          () => fail(new Error(`the ruff server did not answer within ${timeoutMs} ms`)),
          timeoutMs,
        )
        answers.set(id, (answer) => {
          clearTimeout(timer)
          if (answer instanceof Error) return reject(answer)
          if (answer.type === 'thrown') return reject(new RuffEngineError(answer.message, answer.code, answer.hint))
          if (answer.type !== expected)
            return reject(
              new Error(
                `the ruff server answered ${answer.type}${answer.type === 'bad-frame' ? `: ${answer.message}` : ''}`,
              ),
            )
          resolveAnswer(answer as Extract<ServerAnswer, { type: T }>)
        })
        socket.write(frame({ ...request, id } as ClientRequest))
      })
    const client = (pid: number): RuffClient => ({
      pid,
      lint: async (validate, requests, ms) => (await ask({ type: 'lint', validate, requests }, 'lint', ms)).findings,
      status: (ms) => ask({ type: 'status' }, 'status', ms),
      stop: async (ms) => {
        await ask({ type: 'stop' }, 'stopping', ms)
      },
      close: () => {
        failed ??= new Error('closed')
        socket.end()
        socket.unref()
      },
    })
  })
}

// --- internal ---

function inodeOf(path: string): number | undefined {
  try {
    const stat = lstatSync(path)
    return stat.isSocket() ? stat.ino : undefined
  } catch {
    return undefined
  }
}
