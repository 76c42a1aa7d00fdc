import { spawn } from 'node:child_process'
import { headFromFiles } from '../../foundation/fs/git-head.ts'
import { envValue } from '../../foundation/settings/env-value.ts'

/** git's well-known empty tree: what a first commit is compared against. */
export const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904'

export interface GitResult {
  code: number
  stdout: string
  stderr: string
}

export interface GitOptions {
  cwd: string
  /** Bytes for stdin; without it stdin is closed (/dev/null), so git can never wait on a prompt. */
  input?: string
  env?: NodeJS.ProcessEnv
  /** ms before the process is killed (default 30 s). */
  timeoutMs?: number
}

/**
 * Children of the hook run in their own process group: Ctrl-C in the terminal then reaches only
 * the hook, which stops them itself, instead of racing their deaths against its own signal handler.
 */
export const OWN_PROCESS_GROUP = process.platform !== 'win32'

/** Runs git, collecting output; never rejects for a non-zero exit (the caller reads `code`). */
export function git(args: readonly string[], options: GitOptions): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: options.cwd,
      env: { ...(options.env ?? process.env), GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' },
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      detached: OWN_PROCESS_GROUP,
    })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk))
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      })
    })
    if (options.input !== undefined) {
      // A git that exits before reading all its input (killed, or failing early) breaks the pipe:
      // its exit code and stderr tell what happened, not the EPIPE.
      child.stdin?.on('error', () => {})
      child.stdin?.end(options.input)
    }
  })
}

/** Runs git and returns trimmed stdout; throws with git's own message when it fails. */
export async function gitOk(args: readonly string[], options: GitOptions): Promise<string> {
  const result = await git(args, options)
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
