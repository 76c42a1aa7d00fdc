import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { constants, tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'

/** Set in the re-launched process so it does not re-launch again. */
const OUTSIDE = 'CODEX_TRAIN_OUTSIDE_TSX'

/**
 * True when this process is the child of tsx's CLI (`tsx scripts/train.ts`, i.e. `npm run train`).
 * tsx's parent relays SIGINT/SIGTERM and SIGKILLs its child unless the child's JavaScript
 * acknowledges the signal within ~60 ms (relaySignals in tsx/dist/cli.mjs; the child connects
 * to `<tmpdir>/tsx-<uid>/<parent pid>.pipe`), which a busy training step cannot do. Ctrl-C must
 * instead finish the step and save, so a run leaves that relay: see `runOutsideTsxRelay`.
 */
export function underTsxRelay(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env[OUTSIDE] === '1') return false
  const user = process.geteuid ? process.geteuid() : userInfo().username
  return existsSync(join(tmpdir(), `tsx-${user}`, `${process.ppid}.pipe`))
}

/**
 * Re-runs this command (same node flags, so the same tsx loader) as a child in its own process
 * group, outside tsx's relay; this process stays idle, acknowledges signals at once, forwards
 * each one exactly once, and exits with the child's code (130 after an interrupted run).
 */
export function runOutsideTsxRelay(argv: readonly string[]): Promise<number> {
  const script = process.argv[1] as string
  const child = spawn(process.execPath, [...process.execArgv, script, ...argv], {
    stdio: 'inherit',
    detached: true,
    env: { ...process.env, [OUTSIDE]: '1' },
  })
  const forward = (signal: NodeJS.Signals) => {
    if (child.exitCode === null) child.kill(signal)
  }
  process.on('SIGINT', forward)
  process.on('SIGTERM', forward)
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code, signal) => {
      process.removeListener('SIGINT', forward)
      process.removeListener('SIGTERM', forward)
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 1))
    })
  })
}
