import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

/** One timed process run. */
export interface Timed {
  ms: number
  /** User + system CPU ms of the process and its children (NaN without GNU time). */
  cpuMs: number
  code: number
  output: string
}

/**
 * Runs `command args` in `cwd` and times it: wall ms, and CPU time (user + system, children
 * included) through GNU time where it exists — on a loaded machine wall time swings with the
 * neighbours, the work done does not. GNU time writes its figures to `cpuFile` (default beside `cwd`).
 */
export function timed(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  cpuFile = join(dirname(cwd), 'cpu.txt'),
): Timed {
  const [program, ...rest] = TIME_BIN ? [TIME_BIN, '-f', '%U %S', '-o', cpuFile, command, ...args] : [command, ...args]
  const started = performance.now()
  const r = spawnSync(program as string, rest, {
    cwd,
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const ms = performance.now() - started
  let cpuMs = Number.NaN
  if (TIME_BIN) {
    const [user, sys] = readFileSync(cpuFile, 'utf8').trim().split('\n').at(-1)?.split(' ').map(Number) ?? []
    cpuMs = ((user ?? Number.NaN) + (sys ?? Number.NaN)) * 1000
  }
  return { ms, cpuMs, code: r.status ?? 128, output: `${r.stdout ?? ''}${r.stderr ?? ''}` }
}

/** GNU time, for CPU time; absent (macOS' BSD time lacks -f), only wall time is reported. */
const TIME_BIN = ['/usr/bin/time'].find((p) => spawnSync(p, ['-f', '%U', 'true']).status === 0)
