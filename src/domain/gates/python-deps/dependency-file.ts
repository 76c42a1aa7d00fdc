import { posix } from 'node:path'

const DEPENDENCY_SUFFIX = /\.(?:toml|lock|txt|in)$/i

/** A file this gate reads by itself (includes are followed from these). */
export function isPythonDependencyFile(path: string): boolean {
  // Every name below ends so: most of a tree is rejected without the path regexes (a run asks for every file).
  if (!DEPENDENCY_SUFFIX.test(path)) return false
  if (/(?:^|\/)(?:\.venv|venv|\.tox|\.nox|site-packages|node_modules)\//.test(path)) return false
  const base = posix.basename(path)
  return (
    base === 'pyproject.toml' ||
    base === 'uv.lock' ||
    base === 'poetry.lock' ||
    isRequirementsName(path) ||
    isConstraintsName(path)
  )
}

/** `constraints.txt`, `constraints-dev.txt`, … */
export function isConstraintsName(path: string): boolean {
  return /^constraints?[-_.]?[^/]*\.txt$/i.test(posix.basename(path))
}

/** `requirements.txt`, `dev-requirements.in`, `requirements/base.txt`, `requirements.lock`, … */
export function isRequirementsName(path: string): boolean {
  const base = posix.basename(path)
  if (/(?:^|[-_.])requirements?(?:[-_.][^/]*)?\.(?:txt|in)$/i.test(base)) return true
  if (/^requirements[^/]*\.lock$/i.test(base)) return true
  return /(?:^|\/)requirements\/[^/]+\.(?:txt|in)$/i.test(path)
}

/** The python-deps gate's skip reason: no dependency file among `files`. */
export function pythonDepsSkipReason(_root: string, files: readonly string[]): string | undefined {
  return files.some(isPythonDependencyFile)
    ? undefined
    : 'no Python dependency files (requirements*.txt, pyproject.toml, uv.lock, poetry.lock, constraints*.txt)'
}
