import { spawn } from 'node:child_process'
import type { ServerEntry } from './ruff-server-place.ts'

/**
 * Starts a warm ruff server in the background, detached from this process and its terminal
 * (it outlives the hook), with no stdio: returns its pid, or undefined when it could not start.
 * Its working folder is the socket folder, so it never keeps a repository's folder busy.
 */
export function spawnRuffServer(
  entry: ServerEntry,
  dir: string,
  idleMs: number,
  env: NodeJS.ProcessEnv = process.env,
): number | undefined {
  try {
    const child = spawn(process.execPath, [...entry.nodeArgs, entry.file, '--idle-ms', String(idleMs)], {
      detached: true,
      stdio: 'ignore',
      cwd: dir || undefined,
      env,
      windowsHide: true,
    })
    child.on('error', () => {}) // a missing executable: the next commit tries again
    child.unref()
    return child.pid
  } catch {
    return undefined
  }
}
