import { EXIT } from '../../foundation/errors/user-error.ts'
import { processAlive } from '../../foundation/process/process-alive.ts'

/** The signals that ask a trainer to stop: Ctrl-C, `kill`/an IDE's stop, a closed terminal. */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

export interface WatchInterruptsOptions {
  /** Aborted once, by the first signal or by the loss of a watched process. */
  controller: AbortController
  /** Where the one-line notices go. */
  warn: (line: string) => void
  /** Processes whose end stops the run: the parent, and tsx above the relay (default: the parent). */
  watch?: readonly number[]
  /**
   * Repeated signals within this many ms of the first count as the same request (default 1000):
   * one Ctrl-C reaches the trainer directly (the terminal signals the whole process group) and
   * again through npm, tsx and the relay, which forward it.
   */
  burstMs?: number
  /** How often watched processes are checked, ms (default 500). */
  pollMs?: number
  /** Leaves at once on a second request (default `process.exit`). */
  exit?: (code: number) => void
  now?: () => number
  isAlive?: (pid: number) => boolean
  /** The process to listen on (default `process`; specs pass an emitter). */
  proc?: Pick<NodeJS.Process, 'on' | 'removeListener' | 'ppid'> & { channel?: { unref(): void } }
}

/**
 * Turns every way a trainer is asked to stop into one abort of `controller` (the loop finishes
 * its step, saves, and the run ends `interrupted`): SIGINT, SIGTERM, SIGHUP, and the end of a
 * watched process (its parent killed with SIGKILL, which no signal reports: the IPC channel to a
 * relay closes, or the parent pid changes or dies, polled). A signal more than `burstMs` after the
 * first one leaves at once with exit 130; the loss of a parent never does (nobody is there to
 * repeat it). Returns the function that stops watching.
 */
export function watchInterrupts(options: WatchInterruptsOptions): () => void {
  const proc = options.proc ?? process
  const burstMs = options.burstMs ?? 1000
  const now = options.now ?? (() => performance.now())
  const exit = options.exit ?? ((code: number) => process.exit(code))
  const isAlive = options.isAlive ?? processAlive
  const parent = proc.ppid
  const watched = options.watch ?? [parent]
  let first: number | undefined

  const request = (why: string, repeatable: boolean) => {
    if (first === undefined) {
      first = now()
      options.warn(
        `\n${why}: finishing the current step and saving a checkpoint${repeatable ? ' (again to quit at once)' : ''}`,
      )
      options.controller.abort()
      return
    }
    if (repeatable && now() - first > burstMs) exit(EXIT.interrupted)
  }
  const onSignal = (signal: NodeJS.Signals) => request(signal, true)
  const gone = (pid: number) => {
    clearInterval(timer)
    request(`process ${pid} that started this trainer is gone`, false)
  }
  const onDisconnect = () => gone(parent)
  const timer = setInterval(() => {
    const dead = proc.ppid !== parent ? parent : watched.find((pid) => pid > 1 && !isAlive(pid))
    // Timers run before the event loop reads pending signals: let a signal that ended the parent
    // (a closed terminal's SIGHUP reaches the whole group) be the one reported.
    if (dead !== undefined) setImmediate(() => gone(dead))
  }, options.pollMs ?? 500)
  timer.unref()

  for (const signal of STOP_SIGNALS) proc.on(signal, onSignal)
  // Under the relay an IPC channel links the trainer to it: its close is the relay's death, at once.
  if (proc.channel) {
    proc.on('disconnect', onDisconnect)
    proc.channel.unref()
  }
  return () => {
    clearInterval(timer)
    for (const signal of STOP_SIGNALS) proc.removeListener(signal, onSignal)
    proc.removeListener('disconnect', onDisconnect)
  }
}

/**
 * Keeps a trainer whose terminal or parent is gone writing its checkpoint: a write to a closed
 * pipe or terminal (EPIPE, EIO) would otherwise end the process with an unhandled stream error.
 */
export function tolerateClosedOutput(): () => void {
  const ignore = (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'EIO') throw error
  }
  process.stdout.on('error', ignore)
  process.stderr.on('error', ignore)
  return () => {
    process.stdout.removeListener('error', ignore)
    process.stderr.removeListener('error', ignore)
  }
}
