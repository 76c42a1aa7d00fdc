import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs'
import { isAbsolute, join, relative, sep } from 'node:path'
import { keepHuskyFast } from '../../foundation/build/husky-runtime.mjs'
import { errorMessage } from '../../foundation/errors/user-error.ts'
import { HOOK_NAMES, type HookSettings } from './detect-repository.ts'

/**
 * Reads where git runs hooks in the repository at `root`: core.hooksPath by scope, the default
 * hooks folder, the hook scripts already there, and whether husky's runtime is in place.
 */
export function readHookSettings(root: string, env: NodeJS.ProcessEnv = process.env): HookSettings {
  const local = gitConfig(root, ['--local', 'core.hooksPath'], env)
  const any = gitConfig(root, ['core.hooksPath'], env)
  const gitHooksAbs = gitPath(root, 'hooks', env)
  const top = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: root, env, encoding: 'utf8' }).trim()
  const gitHooksDir = shown(root, gitHooksAbs)
  const localAbs = local === undefined ? undefined : isAbsolute(local) ? local : join(root, local)
  const inside = localAbs !== undefined && !relative(root, localAbs).startsWith('..')
  return {
    localHooksPath: local,
    outsideHooksPath: local === undefined ? any : undefined,
    gitHooksDir,
    gitHooks: hookScripts(gitHooksAbs, false),
    localHooks: localAbs && inside ? hookScripts(localAbs, true) : {},
    huskyInstalled: existsSync(join(root, '.husky', '_', 'h')),
    packageOf: top !== realpathSync(root) ? top : undefined,
  }
}

/**
 * Runs husky's own installer in `root` (husky is a dependency of codex-gates): it sets
 * core.hooksPath to `.husky/_` and writes the runtime there (ignored by its own .gitignore).
 * Returns husky's message when it declined (HUSKY=0, no .git), else undefined. The runtime it
 * wrote is then rewritten without its name-lookup processes (src/foundation/build/husky-runtime.mjs),
 * as the post-commit hook does again after each `npm install`.
 */
export function runHusky(root: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const husky = import.meta.resolve('husky')
  const script = `import husky from ${JSON.stringify(husky)}; process.stdout.write(husky('.husky'))`
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    env,
    encoding: 'utf8',
  })
  if (result.error) return `husky could not start: ${errorMessage(result.error)}`
  if (result.status !== 0) return `husky failed: ${(result.stderr || result.stdout).trim().split('\n')[0]}`
  const declined = result.stdout.trim() || undefined
  if (declined === undefined) keepHuskyFast(root)
  return declined
}

// --- internal ---

function gitConfig(root: string, args: string[], env: NodeJS.ProcessEnv): string | undefined {
  try {
    const out = execFileSync('git', ['config', ...args], {
      cwd: root,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
    return out.trim() || undefined
  } catch {
    return undefined // unset: git config exits 1
  }
}

function gitPath(root: string, name: string, env: NodeJS.ProcessEnv): string {
  const out = execFileSync('git', ['rev-parse', '--path-format=absolute', '--git-path', name], {
    cwd: root,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }).trim()
  return out
}

/** Repo-relative POSIX when inside the work tree (a normal clone's .git/hooks), else absolute (a worktree's). */
function shown(root: string, path: string): string {
  const rel = relative(root, path)
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel.split(sep).join('/')
}

/** Hook scripts in a folder: every live hook (not `*.sample`), or only ours when `onlyOurs`. */
function hookScripts(dir: string, onlyOurs: boolean): Record<string, string> {
  const out: Record<string, string> = {}
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return out
  }
  for (const name of names) {
    if (name.endsWith('.sample')) continue
    if (onlyOurs && !(HOOK_NAMES as readonly string[]).includes(name)) continue
    const path = join(dir, name)
    try {
      if (statSync(path).isFile()) out[name] = readFileSync(path, 'utf8')
    } catch {
      // unreadable: treat as absent
    }
  }
  return out
}
