import { execFileSync } from 'node:child_process'

/** The top folder of the git work tree holding `cwd`, or undefined outside one (or without git). */
export function gitRoot(cwd: string): string | undefined {
  try {
    const out = execFileSync('git', ['rev-parse', '--show-toplevel'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 10_000,
    })
    return out.trim() || undefined
  } catch {
    return undefined
  }
}
