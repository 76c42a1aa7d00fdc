import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { standbyPlace } from '../../adapters/hooks/standby-place.cjs'

/**
 * Waits (≤ 3 s) until the hook standby the last commit left in `repo` listens, so that its start
 * (a Node process loading the hook) never overlaps the next timed run of any variant.
 */
export function awaitStandby(repo: string): void {
  const socket = standbyPlace(repo, {})?.socket
  if (socket === undefined) return
  const deadline = Date.now() + 3000
  while (!existsSync(socket) && Date.now() < deadline) spawnSync('sleep', ['0.02'])
}

/** Ends the standby of `repo` with `node <entry> … standby stop` before the bench removes the folder. */
export function stopStandby(repo: string, command: readonly string[], env: NodeJS.ProcessEnv): void {
  spawnSync(process.execPath, [...command, 'standby', 'stop'], { cwd: repo, env, stdio: 'ignore' })
}
