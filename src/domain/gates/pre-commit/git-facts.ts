import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import type { GitFacts } from './hook-types.ts'

/** Which facts each git-aware hook of pre-commit-hooks reads (the rest read none). */
const NEEDS: Record<string, readonly (keyof GitFacts)[]> = {
  'check-added-large-files': ['addedFiles', 'lfsFiles'],
  'check-case-conflict': ['trackedFiles', 'addedFiles'],
  'check-merge-conflict': ['inMerge'],
  'forbid-new-submodules': ['addedSubmodules'],
  'no-commit-to-branch': ['branch'],
}

/**
 * The git facts the given hooks need, asked of git in `gitRoot` (the repository, also when the
 * hook's files are a snapshot elsewhere): only the fields those hooks read, one git call each.
 * `files` are the paths whose `filter` attribute decides LFS. Outside a git repository: no facts.
 */
export function gitFacts(gitRoot: string, hookIds: Iterable<string>, files: readonly string[] = []): GitFacts {
  const needed = new Set<keyof GitFacts>()
  for (const id of hookIds) for (const n of NEEDS[id] ?? []) needed.add(n)
  const facts: GitFacts = {}
  if (needed.size === 0) return facts
  const git = (args: string[], input?: string) =>
    execFileSync('git', args, {
      cwd: gitRoot,
      encoding: 'utf8',
      input,
      stdio: ['pipe', 'pipe', 'ignore'],
      maxBuffer: 256 * 1024 * 1024,
    })
  try {
    git(['rev-parse', '--git-dir'])
  } catch {
    return facts
  }
  const z = (text: string) => text.split('\0').filter(Boolean)
  if (needed.has('addedFiles'))
    facts.addedFiles = new Set(z(git(['diff', '--staged', '--name-only', '--diff-filter=A', '-z'])))
  if (needed.has('trackedFiles')) facts.trackedFiles = z(git(['ls-files', '-z']))
  if (needed.has('branch')) {
    try {
      facts.branch = git(['symbolic-ref', '--quiet', 'HEAD'])
        .trim()
        .replace(/^refs\/heads\//, '')
    } catch {
      facts.branch = null // detached HEAD
    }
  }
  if (needed.has('inMerge')) {
    const dir = git(['rev-parse', '--git-dir']).trim()
    const gitDir = isAbsolute(dir) ? dir : join(gitRoot, dir)
    const at = (name: string) => existsSync(join(gitDir, name))
    facts.inMerge = (at('MERGE_MSG') && (at('MERGE_HEAD') || at('rebase-apply') || at('rebase-merge'))) === true
  }
  if (needed.has('addedSubmodules')) {
    // `:000000 160000 <sha> <sha> A\0path\0` for each added gitlink.
    const raw = z(git(['diff', '--staged', '--diff-filter=A', '--raw', '-z', '--ignore-submodules=none']))
    const added: string[] = []
    for (let i = 0; i + 1 < raw.length; i += 2)
      if ((raw[i] as string).split(' ')[1] === '160000') added.push(raw[i + 1] as string)
    facts.addedSubmodules = added
  }
  if (needed.has('lfsFiles')) {
    const lfs = new Set<string>()
    if (files.length > 0) {
      // `path\0filter\0value\0` per path.
      const out = z(git(['check-attr', '-z', '--stdin', 'filter'], `${files.join('\0')}\0`))
      for (let i = 0; i + 2 < out.length; i += 3) if (out[i + 2] === 'lfs') lfs.add(out[i] as string)
    }
    facts.lfsFiles = lfs
  }
  return facts
}
