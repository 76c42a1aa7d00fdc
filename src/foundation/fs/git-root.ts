import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { setting } from '../settings/settings.ts'

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

/**
 * gitRoot without starting git where the answer is plain: the nearest folder from `cwd` up (symlinks
 * resolved, as git prints it) holding a `.git` folder with a HEAD or a `gitdir:` file. Anything
 * else — none found, GIT_DIR or GIT_WORK_TREE set — is asked of git.
 */
export function gitRootFast(cwd: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (setting('GIT_DIR', env) === undefined && setting('GIT_WORK_TREE', env) === undefined) {
    try {
      for (let dir = realpathSync(cwd); ; dir = dirname(dir)) {
        const dotGit = join(dir, '.git')
        if (existsSync(join(dotGit, 'HEAD'))) return dir
        if (existsSync(dotGit) && statSync(dotGit).isFile() && readFileSync(dotGit, 'utf8').startsWith('gitdir:'))
          return dir
        if (dirname(dir) === dir) break
      }
    } catch {
      // unreadable on the way up: git decides
    }
  }
  return gitRoot(cwd)
}
