/** One file as a native hook sees it: the staged content and what git and the file system say of it. */
export interface HookFile {
  /** Repo-relative POSIX path. */
  path: string
  bytes: Uint8Array
  /** Executable bit (the index mode's, or the work tree's where git tracks file modes). */
  executable?: boolean
  /** Set when the path is a symlink: whether its target exists. */
  symlink?: { targetExists: boolean }
}

/** Git facts the git-aware hooks need, gathered by the caller (the hooks never run git). */
export interface GitFacts {
  /** `git diff --staged --name-only --diff-filter=A`. */
  addedFiles?: ReadonlySet<string>
  /** `git ls-files` (check-case-conflict). */
  trackedFiles?: readonly string[]
  /** Current branch (`git symbolic-ref HEAD` without `refs/heads/`); null when HEAD is detached. */
  branch?: string | null
  /** A merge or rebase is in progress (MERGE_MSG and MERGE_HEAD / rebase-apply / rebase-merge). */
  inMerge?: boolean
  /** Paths staged as new gitlinks (mode 160000) in the diff pre-commit checks. */
  addedSubmodules?: readonly string[]
  /** Paths whose `filter` attribute is `lfs` (check-added-large-files leaves them out). */
  lfsFiles?: ReadonlySet<string>
}

/** What a hook reports: a problem names its file and line where upstream prints them. */
export interface HookProblem {
  path?: string
  line?: number
  message: string
}

/** A per-file hook's verdict: problems, and the fixed bytes when it rewrites the file (a fixer). */
export interface FileVerdict {
  problems: HookProblem[]
  fixed?: Uint8Array
}

/** A whole hook run: its problems and the files it would rewrite; failed as upstream's exit code says. */
export interface HookOutcome {
  failed: boolean
  problems: HookProblem[]
  fixes: Map<string, Uint8Array>
}
