import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { PACKAGE_ROOT } from '../../domain/gates/repo-files.ts'
import { EXIT, UserError } from '../../foundation/errors/user-error.ts'

/** Runs Vitest with these arguments and environment; returns its exit code. */
export type RunVitest = (args: string[], env: NodeJS.ProcessEnv) => Promise<number>

/**
 * Spawns Vitest (default: this repository's) with inherited stdio and returns its exit code; 130
 * when it died of SIGINT, 3 for another signal. `bin` is a parameter so specs can spawn a stand-in.
 */
export function spawnVitest(
  args: string[],
  env: NodeJS.ProcessEnv,
  bin = join(PACKAGE_ROOT, 'node_modules', '.bin', 'vitest'),
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd: PACKAGE_ROOT, env, stdio: 'inherit' })
    child.on('error', (error) =>
      reject(
        (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? new UserError('NO_VITEST', `vitest is not installed at ${bin}`, 'run `npm ci`')
          : error,
      ),
    )
    child.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? EXIT.interrupted : EXIT.bug)))
  })
}
