import { parseHookArgs } from '../hook-args.ts'
import type { HookOutcome } from '../hook-types.ts'
import type { NativeHook } from '../native-hook.ts'
import { compilePythonRegex } from '../python-regex.ts'

export interface NoCommitOptions {
  branches: string[] // default ['master', 'main']
  patterns: string[] // Python regexes, `re.match` (anchored at the start only)
}

/** `-b/--branch NAME` and `-p/--pattern REGEX`, each repeatable. */
export function parseNoCommitArgs(args: readonly string[]): NoCommitOptions {
  const { values } = parseHookArgs('no-commit-to-branch', args, [
    { dest: 'branch', names: ['-b', '--branch'], action: 'append' },
    { dest: 'pattern', names: ['-p', '--pattern'], action: 'append' },
  ])
  return {
    branches: (values.branch as string[] | undefined) ?? ['master', 'main'],
    patterns: (values.pattern as string[] | undefined) ?? [],
  }
}

/**
 * Fails on a protected branch (named, or `re.match`ing a pattern); a detached HEAD (null) passes.
 * Upstream prints nothing; the problem says which branch.
 */
export function noCommitToBranch(branch: string | null | undefined, options: NoCommitOptions): HookOutcome {
  const protectedBranch =
    branch !== null &&
    branch !== undefined &&
    (options.branches.includes(branch) || options.patterns.some((p) => matchesAtStart(p, branch)))
  const problems = protectedBranch
    ? [{ message: `committing to branch ${branch} is not allowed (no-commit-to-branch)` }]
    : []
  return { failed: protectedBranch, problems, fixes: new Map() }
}

export const noCommitToBranchHook: NativeHook = {
  id: 'no-commit-to-branch',
  manifest: {
    name: "don't commit to branch",
    entry: 'no-commit-to-branch',
    language: 'python',
    pass_filenames: false,
    always_run: true,
  },
  run(_files, args, facts) {
    return noCommitToBranch(facts.branch, parseNoCommitArgs(args))
  },
}

// --- internal ---

/** `re.match`: a match that starts at position 0 (a sticky search, not the first search hit). */
function matchesAtStart(pattern: string, s: string): boolean {
  const re = compilePythonRegex(pattern)
  const sticky = new RegExp(re.source, `${re.flags}y`)
  return sticky.test(s)
}
