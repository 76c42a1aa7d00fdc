import { execFileSync } from 'node:child_process'

/** Runs git in `path` as a spec author (fixed name and email); returns its trimmed stdout. */
export function gitIn(path: string): (...args: string[]) => string {
  return (...args) =>
    execFileSync('git', ['-c', 'user.email=a@b.c', '-c', 'user.name=spec', ...args], {
      cwd: path,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim()
}
