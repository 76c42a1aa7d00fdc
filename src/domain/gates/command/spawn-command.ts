import { spawn } from 'node:child_process'

export interface SpawnInput {
  argv: readonly string[]
  cwd: string
  env: NodeJS.ProcessEnv
  timeoutMs: number
  signal?: AbortSignal
}

/** What a finished command left: exit code (null when killed), output, wall time, and why it stopped. */
export interface SpawnResult {
  code: number | null
  stdout: string
  stderr: string
  ms: number
  timedOut: boolean
  interrupted: boolean
  /** The program could not be started (ENOENT, EACCES): the message. */
  startError?: string
}

/** Output kept per stream (bytes): a runaway tool cannot exhaust memory; the head is kept. */
export const OUTPUT_CAP = 16 * 1024 * 1024

/**
 * Runs one command with stdin closed, capturing stdout and stderr. It gets its own process group,
 * so a timeout or abort kills everything it started (a `sh -c` pipeline, a test runner's
 * workers), not just the first process. Never throws.
 */
export function spawnCommand(input: SpawnInput): Promise<SpawnResult> {
  const started = performance.now()
  return new Promise((resolve) => {
    const [program, ...args] = input.argv
    if (program === undefined) {
      resolve({
        code: null,
        stdout: '',
        stderr: '',
        ms: 0,
        timedOut: false,
        interrupted: false,
        startError: 'empty command',
      })
      return
    }
    if (input.signal?.aborted) {
      resolve({ code: null, stdout: '', stderr: '', ms: 0, timedOut: false, interrupted: true })
      return
    }
    const child = spawn(program, args, {
      cwd: input.cwd,
      env: input.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
    })
    const out = collector()
    const err = collector()
    child.stdout.on('data', out.add)
    child.stderr.on('data', err.add)
    let timedOut = false
    let interrupted = false
    const kill = () => {
      try {
        if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL')
        else child.kill('SIGKILL')
      } catch {
        // already gone
      }
    }
    const timer = setTimeout(() => {
      timedOut = true
      kill()
    }, input.timeoutMs)
    const onAbort = () => {
      interrupted = true
      kill()
    }
    input.signal?.addEventListener('abort', onAbort, { once: true })
    let startError: string | undefined
    child.on('error', (error) => {
      startError = error.message
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      input.signal?.removeEventListener('abort', onAbort)
      resolve({
        code: startError ? null : code,
        stdout: out.text(),
        stderr: err.text(),
        ms: performance.now() - started,
        timedOut,
        interrupted,
        ...(startError ? { startError } : {}),
      })
    })
  })
}

// --- internal ---

function collector() {
  const chunks: Buffer[] = []
  let size = 0
  return {
    add: (chunk: Buffer) => {
      if (size >= OUTPUT_CAP) return
      chunks.push(chunk.subarray(0, OUTPUT_CAP - size))
      size += chunk.length
    },
    text: () => Buffer.concat(chunks).toString('utf8'),
  }
}
