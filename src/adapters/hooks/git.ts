import { headFromFiles } from '../../foundation/fs/git-head.ts'
import { envValue } from '../../foundation/settings/env-value.ts'
import { type GitOptions, type GitResult, OWN_PROCESS_GROUP, runGit } from './early-git.cjs'

/** git's well-known empty tree: what a first commit is compared against. */
export const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904'

export type { GitOptions, GitResult }
export { OWN_PROCESS_GROUP }

/** Runs git, collecting output; never rejects for a non-zero exit (the caller reads `code`). */
export function git(args: readonly string[], options: GitOptions): Promise<GitResult> {
  return runGit(args, options)
}

/** Runs git and returns trimmed stdout; throws with git's own message when it fails. */
export async function gitOk(args: readonly string[], options: GitOptions): Promise<string> {
  return gitOutput(args, await git(args, options))
}

/** The trimmed stdout of a finished git run; throws with git's own message when it failed. */
export function gitOutput(args: readonly string[], result: GitResult): string {
  if (result.code !== 0) {
    throw new Error(
      `git ${args.join(' ')} failed (exit ${result.code}): ${result.stderr.trim() || result.stdout.trim()}`,
    )
  }
  return result.stdout.trim()
}

/** Splits `-z` output into paths. */
export function splitZ(text: string): string[] {
  return text.split('\0').filter((p) => p.length > 0)
}

/** HEAD's commit and branch (nulls before the first commit or on a detached HEAD) and the git dir. */
export async function headInfo(
  options: GitOptions,
): Promise<{ sha: string | null; branch: string | null; gitDir: string }> {
  // No process in the common case (HEAD and its ref read from .git), else one: every spawn costs
  // the commit 10–20 ms on a busy machine.
  const fromFiles = headFromFiles(options.cwd, options.env)
  if (fromFiles) return fromFiles
  const all = await git(['rev-parse', '--absolute-git-dir', 'HEAD', '--abbrev-ref', 'HEAD'], options)
  if (all.code === 0) {
    const [gitDir = '', sha = '', branch = ''] = all.stdout.trim().split('\n')
    return { gitDir, sha, branch: branch === 'HEAD' ? null : branch }
  }
  // Before the first commit HEAD names no commit, but the branch it will create is known.
  const [gitDir, branch] = await Promise.all([
    gitOk(['rev-parse', '--absolute-git-dir'], options),
    git(['symbolic-ref', '--short', '--quiet', 'HEAD'], options),
  ])
  return { gitDir, sha: null, branch: branch.code === 0 ? branch.stdout.trim() : null }
}

/** `Name <email>` of whoever runs git here (the committer identity), else the OS user. */
export async function whoAmI(options: GitOptions): Promise<string> {
  const ident = await git(['var', 'GIT_COMMITTER_IDENT'], options)
  if (ident.code === 0) return ident.stdout.trim().replace(/\s+\d+\s+[+-]\d{4}$/, '')
  return envValue('USER') ?? envValue('USERNAME') ?? 'unknown'
}
