import { existsSync, realpathSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { UserError } from '../../foundation/errors/user-error.ts'
import { gitRootFast } from '../../foundation/fs/git-root.ts'

/**
 * The repository (or package) a command works on: its codex-gates.json, ledger, reports and commit
 * are the ones used. `--root DIR`: DIR when it holds a codex-gates.json (a package of a monorepo
 * with its own config), else the git root of DIR. Without it: the nearest folder from the working
 * directory up to the git root that holds a codex-gates.json, else the git root.
 */
export function gatedRoot(cwd: string, explicit?: string): string {
  if (explicit !== undefined) {
    const root = resolve(cwd, explicit)
    if (!existsSync(root) || !statSync(root).isDirectory())
      throw new UserError(
        'GATES_ROOT',
        `--root ${explicit}: no such folder (${root})`,
        'pass an existing repository folder',
      )
    if (hasConfig(root)) return root
    return gitRootFast(root) ?? root
  }
  const root = gitRootFast(cwd)
  if (!root)
    throw new UserError(
      'NOT_GIT',
      `not a git repository: ${cwd}`,
      'run it inside the repository to gate (`git init` first for a new one), or pass --root DIR',
    )
  // git prints the top with symlinks resolved: walk up the same spelling, stopping at the top.
  for (let dir = realpathSync(cwd); dir !== root && dirname(dir) !== dir; dir = dirname(dir)) {
    if (hasConfig(dir)) return dir
  }
  return root
}

function hasConfig(dir: string): boolean {
  return existsSync(join(dir, 'codex-gates.json'))
}
