import { UserError } from '../../../foundation/errors/user-error.ts'
import { globToRegExp } from '../../../foundation/fs/glob.ts'
import { compilePythonRegex, PythonRegexError } from '../pre-commit/python-regex.ts'

/** The selection fields of a command gate. */
export interface InputSelector {
  files: readonly string[]
  exclude: readonly string[]
  types: readonly string[]
}

/**
 * The files a command gate reads: those matching one of `files` (all when empty), none of
 * `exclude`, and holding every identify tag of `types` (`tagsOf` is only asked when types are
 * set). Order is kept. `where` names the config field in errors, e.g. `gates.mypy`.
 */
export function selectInputs(
  paths: readonly string[],
  selector: InputSelector,
  tagsOf: (path: string) => ReadonlySet<string>,
  where: string,
): string[] {
  const include = selector.files.map((p) => compilePattern(p, `${where}.files`))
  const exclude = selector.exclude.map((p) => compilePattern(p, `${where}.exclude`))
  return paths.filter((path) => {
    if (include.length > 0 && !include.some((re) => re.test(path))) return false
    if (exclude.some((re) => re.test(path))) return false
    if (selector.types.length === 0) return true
    const tags = tagsOf(path)
    return selector.types.every((t) => tags.has(t))
  })
}

/**
 * A `files`/`exclude` pattern: a regex (Python syntax, searched as pre-commit does) when it starts
 * with `^` or inline flags `(?…)`, ends with `$` or holds a backslash — `^src/.*\.py$`,
 * `\.ipynb$`, `(?x)…` — else a glob (`src/**`, `*.py`), as every other codex-gates setting takes.
 */
export function compilePattern(pattern: string, where: string): RegExp {
  if (!isRegexPattern(pattern)) return globToRegExp(pattern)
  try {
    return compilePythonRegex(pattern)
  } catch (error) {
    if (!(error instanceof PythonRegexError)) throw error
    throw new UserError(
      'GATES_CONFIG',
      `${where}: ${JSON.stringify(pattern)} is not a valid regex: ${error.reason}`,
      'fix the pattern, or write a glob (a pattern without ^, $ or \\ is read as a glob)',
    )
  }
}

/** A regex rather than a glob: anchored (`^…`, `…$`), flagged (`(?x)…`) or escaped (`\.`). */
export function isRegexPattern(pattern: string): boolean {
  return pattern.startsWith('^') || pattern.startsWith('(?') || pattern.endsWith('$') || pattern.includes('\\')
}
