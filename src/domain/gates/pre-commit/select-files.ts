import { compilePythonRegex } from './python-regex.ts'

/** The selection fields of a hook (after its manifest and config are merged). */
export interface HookSelector {
  files: string
  exclude: string
  types: readonly string[]
  types_or: readonly string[]
  exclude_types: readonly string[]
}

/**
 * The files a hook gets, exactly as pre-commit's Classifier picks them: the top-level `files`
 * regex must search-match and the top-level `exclude` must not, then the hook's own `files` and
 * `exclude` the same way, then the tags must hold all of `types`, one of `types_or` (when given)
 * and none of `exclude_types`. `paths` are repo-relative POSIX paths of files that exist (pre-commit
 * drops the others); `tagsOf` gives each path's identify tags (see tagsFromPath). Order is kept.
 */
export function selectFiles(
  paths: readonly string[],
  top: { files: string; exclude: string },
  hook: HookSelector,
  tagsOf: (path: string) => ReadonlySet<string>,
): string[] {
  const included = filterByIncludeExclude(
    filterByIncludeExclude(paths, top.files, top.exclude),
    hook.files,
    hook.exclude,
  )
  return included.filter((path) => {
    const tags = tagsOf(path)
    return (
      hook.types.every((t) => tags.has(t)) &&
      (hook.types_or.length === 0 || hook.types_or.some((t) => tags.has(t))) &&
      !hook.exclude_types.some((t) => tags.has(t))
    )
  })
}

/** pre-commit's `filter_by_include_exclude`: `re.search` with include, and not with exclude. */
export function filterByIncludeExclude(paths: readonly string[], include: string, exclude: string): string[] {
  const inc = compilePythonRegex(include)
  const exc = compilePythonRegex(exclude)
  return paths.filter((p) => inc.test(p) && !exc.test(p))
}
