/** One file init writes: where, the whole new text, and the one line that says why. */
export interface FileChange {
  /** Repo-relative POSIX path, or absolute for a hooks folder outside the work tree (a worktree's git dir). */
  path: string
  content: string
  /** `create` when the file does not exist yet. */
  action: 'create' | 'update'
  reason: string
  /** File mode for a new file (hook scripts are executable); default 0o644. */
  mode?: number
}
