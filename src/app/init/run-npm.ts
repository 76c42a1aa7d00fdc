import { spawnSync } from 'node:child_process'
import { errorMessage } from '../../foundation/errors/user-error.ts'

/**
 * Runs an npm command (`npm install -D …`, `npm rebuild …`) in the repository, its output kept
 * out of init's; undefined when it succeeded, else why not (its first `ERR!` line, or the exit
 * status): a failure is reported by init, never fatal (the user can run it).
 */
export function runNpm(root: string, command: string, env: NodeJS.ProcessEnv): string | undefined {
  const [bin = 'npm', ...args] = command.split(' ')
  const result = spawnSync(process.platform === 'win32' ? `${bin}.cmd` : bin, args, {
    cwd: root,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    shell: process.platform === 'win32',
  })
  if (result.error) return `could not start npm (${errorMessage(result.error)})`
  if (result.status === 0) return undefined
  const why = `${result.stderr}`.split('\n').find((l) => /ERR!/.test(l)) ?? `exit ${result.status}`
  return `failed (${why.trim()})`
}
