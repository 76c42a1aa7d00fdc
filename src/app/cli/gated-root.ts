import { existsSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { UserError } from '../../foundation/errors/user-error.ts'
import { gitRoot } from '../../foundation/fs/git-root.ts'

/**
 * The repository a command works on: `--root DIR` when given, else the git root of the working
 * directory. Its codex-gates.json, ledger, reports and commit are the ones used.
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
    return gitRoot(root) ?? root
  }
  const root = gitRoot(cwd)
  if (!root)
    throw new UserError(
      'NOT_GIT',
      `not a git repository: ${cwd}`,
      'run it inside the repository to gate (`git init` first for a new one), or pass --root DIR',
    )
  return root
}
