import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { constants, tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { STOP_SIGNALS } from './watch-interrupts.ts'

/** Set in the re-launched process (to tsx's pid) so it does not re-launch again and knows whom to watch. */
const OUTSIDE = 'CODEX_TRAIN_OUTSIDE_TSX'

/**
 * True when this process is the child of tsx's CLI (`tsx scripts/train.ts`, i.e. `npm run train`).
 * tsx's parent relays SIGINT/SIGTERM and SIGKILLs its child unless the child's JavaScript
 * acknowledges the signal within ~30 ms (relaySignals in tsx/dist/cli.mjs; the child connects
 * to `<tmpdir>/tsx-<uid>/<parent pid>.pipe`), which a busy training step cannot do. Ctrl-C must
 * instead finish the step and save, so a run leaves that relay: see `runOutsideTsxRelay`.
 */
export function underTsxRelay(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env[OUTSIDE] !== undefined) return false
  const user = process.geteuid ? process.geteuid() : userInfo().username
  return existsSync(join(tmpdir(), `tsx-${user}`, `${process.ppid}.pipe`))
}

/**
 * The processes a trainer stops with: its parent, and when the parent is the relay below, tsx
 * above it too (tsx reports neither its own death nor its parent's to anyone).
 */
export function watchedParents(env: NodeJS.ProcessEnv = process.env): number[] {
  const tsx = Number(env[OUTSIDE])
  return Number.isSafeInteger(tsx) && tsx > 1 ? [process.ppid, tsx] : [process.ppid]
}

/**
 * Re-runs this command (same node flags, so the same tsx loader) as a child outside tsx's relay:
 * this process stays idle, so it acknowledges tsx's signals at once. The child stays in this
 * process group, so closing the terminal or killing the group (a CI timeout, an IDE's stop) ends
 * it too; signals sent to this process alone are forwarded; an IPC channel closes when this
 * process dies, even by SIGKILL, which the child watches. Resolves to the child's exit code
 * (130 after an interrupted run).
 */
export function runOutsideTsxRelay(argv: readonly string[]): Promise<number> {
  const script = process.argv[1] as string
  const child = spawn(process.execPath, [...process.execArgv, script, ...argv], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, [OUTSIDE]: String(process.ppid) },
  })
  // A copy the child may also get from its process group: it counts copies within a second as one.
  const forward = (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
  }
  for (const signal of STOP_SIGNALS) process.on(signal, forward)
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code, signal) => {
      for (const s of STOP_SIGNALS) process.removeListener(s, forward)
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 1))
    })
  })
}
