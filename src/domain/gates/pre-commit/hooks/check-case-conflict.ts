import type { HookOutcome } from '../hook-types.ts'
import type { NativeHook } from '../native-hook.ts'

/**
 * Paths that differ only in case, among the tracked files (and their folders) and the files being
 * committed plus those staged as added (and their folders): one
 * `Case-insensitivity conflict found: {path}` per conflicting path, sorted.
 */
export function checkCaseConflict(
  filenames: readonly string[],
  tracked: readonly string[],
  added: Iterable<string>,
): HookOutcome {
  const repo = new Set(tracked)
  for (const d of directoriesFor(repo)) repo.add(d)
  const relevant = new Set([...filenames, ...added])
  for (const d of directoriesFor(relevant)) relevant.add(d)
  for (const r of relevant) repo.delete(r)
  const lower = (xs: Iterable<string>) => new Set([...xs].map((x) => x.toLowerCase()))
  const repoLower = lower(repo)
  const conflicts = new Set([...lower(relevant)].filter((x) => repoLower.has(x)))
  const remaining = lower(relevant)
  for (const name of relevant) {
    if (remaining.has(name.toLowerCase())) remaining.delete(name.toLowerCase())
    else conflicts.add(name.toLowerCase())
  }
  const conflicting = [...new Set([...repo, ...relevant])]
    .filter((x) => conflicts.has(x.toLowerCase()))
    .sort(byCodePoint)
  const problems = conflicting.map((path) => ({ path, message: `Case-insensitivity conflict found: ${path}` }))
  return { failed: problems.length > 0, problems, fixes: new Map() }
}

export const checkCaseConflictHook: NativeHook = {
  id: 'check-case-conflict',
  manifest: { name: 'check for case conflicts', entry: 'check-case-conflict', language: 'python' },
  run(files, _args, facts) {
    return checkCaseConflict(
      files.map((f) => f.path),
      facts.trackedFiles ?? [],
      facts.addedFiles ?? [],
    )
  },
}

// --- internal ---

function directoriesFor(files: Iterable<string>): Set<string> {
  const out = new Set<string>()
  for (const file of files) {
    const parts = file.split('/')
    parts.pop()
    while (parts.length > 0) {
      out.add(parts.join('/'))
      parts.pop()
    }
  }
  return out
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
