import { readFileSync } from 'node:fs'

/** Whether a process with this pid exists and is not a zombie. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
  // A killed process whose parent died too can stay a zombie where nothing reaps orphans
  // (containers without an init): signal 0 still succeeds, but it is dead.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return true // no procfs (macOS): trust the signal
  }
}
