import { rmSync } from 'node:fs'
import { HookSession } from '../../adapters/hooks/hook-session.ts'
import { EXIT } from '../../foundation/errors/user-error.ts'

/** How long an interrupted hook may take to wind down before it exits anyway (ms). */
const GRACE_MS = 5000

/**
 * Ctrl-C (SIGINT), SIGTERM and SIGHUP abort the run: steps stop, the session is written as
 * `interrupted`, the temp folder goes. The read-only steps never wrote the work tree or the index,
 * so there is nothing to restore. If the run does not wind down within 5 s, or a second signal
 * comes, exit — but never while `hold` work runs (lint-staged restoring hidden hunks in fix mode).
 */
export async function withSignals(
  run: (
    signal: AbortSignal,
    onTempDir: (dir: string | undefined) => void,
    hold: <T>(work: Promise<T>) => Promise<T>,
  ) => Promise<number>,
): Promise<number> {
  const controller = new AbortController()
  const tempDirs = new Set<string>()
  let held = 0
  const cleanup = () => {
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true })
  }
  const exitWhenFree = () => {
    if (held > 0) {
      setTimeout(exitWhenFree, 100).unref()
      return
    }
    HookSession.finishOpen('interrupted') // what was recorded so far is kept
    cleanup()
    process.exit(EXIT.interrupted)
  }
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      if (held > 0) process.stderr.write('codex-gates: waiting for lint-staged to restore your files\n')
      exitWhenFree()
      return
    }
    process.stderr.write(`\ncodex-gates: ${signal}: stopping; your work tree and index are left as they were\n`)
    controller.abort()
    setTimeout(exitWhenFree, GRACE_MS).unref()
  }
  const hold = async <T>(work: Promise<T>): Promise<T> => {
    held++
    try {
      return await work
    } finally {
      held--
    }
  }
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']
  for (const s of signals) process.on(s, onSignal)
  try {
    return await run(
      controller.signal,
      (dir) => {
        if (dir === undefined) tempDirs.clear()
        else tempDirs.add(dir)
      },
      hold,
    )
  } catch (error) {
    if (controller.signal.aborted) return EXIT.interrupted // whatever broke, the signal broke it
    throw error
  } finally {
    for (const s of signals) process.off(s, onSignal)
    cleanup()
  }
}

/** The hook's stdin (the refs git gives pre-push); empty on a terminal. */
export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return ''
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}
