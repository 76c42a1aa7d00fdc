import { posix } from 'node:path'
import { parseRequirementsFile, type RequirementsFile } from './requirements-file.ts'

/** Requirements files read from some roots, following `-r` / `-c` includes. */
export interface RequirementsTree {
  /** Every file read, by repo-relative path. */
  files: Map<string, RequirementsFile>
  /** Files reached only through `-c`: their lines constrain versions, they install nothing. */
  constraintFiles: Set<string>
  /** Per root: the files it pulls in (itself included), in reading order. */
  closures: Map<string, string[]>
  problems: IncludeProblem[]
}

export interface IncludeProblem {
  rule: 'include-missing' | 'include-cycle'
  file: string
  line: number
  message: string
}

/**
 * Reads each root and, depth first, every file it includes; an include is relative to the
 * including file's folder (pip's rule). A cycle is reported at the include that closes it, and
 * not followed. `read` takes a repo-relative path and returns undefined for a missing file. A
 * root given as `{ path, kind: 'constraint' }` (a `constraints.txt` found on its own) constrains.
 */
export function readRequirementsTree(
  roots: readonly (string | { path: string; kind: 'requirement' | 'constraint' })[],
  read: (path: string) => string | undefined,
  env: Readonly<Record<string, string | undefined>> = {},
): RequirementsTree {
  const tree: RequirementsTree = { files: new Map(), constraintFiles: new Set(), closures: new Map(), problems: [] }
  const requirementRole = new Set<string>()
  const parse = (path: string): RequirementsFile | undefined => {
    if (!tree.files.has(path)) {
      const text = read(path)
      if (text === undefined) return undefined
      tree.files.set(path, parseRequirementsFile(text, path, env))
    }
    return tree.files.get(path)
  }
  const reported = new Set<string>()
  const report = (problem: IncludeProblem) => {
    const key = `${problem.file}:${problem.line}:${problem.rule}`
    if (!reported.has(key)) tree.problems.push(problem)
    reported.add(key)
  }

  for (const entry of roots) {
    const root = typeof entry === 'string' ? entry : entry.path
    const closure: string[] = []
    const stack: string[] = []
    const visit = (path: string, role: 'requirement' | 'constraint') => {
      if (role === 'requirement') requirementRole.add(path)
      if (closure.includes(path)) return
      const file = parse(path)
      if (!file) return
      closure.push(path)
      stack.push(path)
      for (const include of file.includes) {
        const target = resolveInclude(path, include.target)
        const where = { file: path, line: include.line }
        if (!target) {
          report({
            ...where,
            rule: 'include-missing',
            message: `-${include.kind[0]} ${include.target} is outside the repository or remote: not read`,
          })
          continue
        }
        if (stack.includes(target)) {
          report({
            ...where,
            rule: 'include-cycle',
            message: `-${include.kind[0]} ${include.target} includes ${[...stack.slice(stack.indexOf(target)), target].join(' → ')}: pip recurses until it fails`,
          })
          continue
        }
        if (read(target) === undefined && !tree.files.has(target)) {
          report({
            ...where,
            rule: 'include-missing',
            message: `-${include.kind[0]} ${include.target}: ${target} does not exist`,
          })
          continue
        }
        visit(target, role === 'constraint' ? 'constraint' : include.kind)
      }
      stack.pop()
    }
    visit(root, typeof entry === 'string' ? 'requirement' : entry.kind)
    tree.closures.set(root, closure)
  }
  for (const path of tree.files.keys()) if (!requirementRole.has(path)) tree.constraintFiles.add(path)
  return tree
}

/** The repo-relative path an include names, or undefined for a URL or a path outside the repository. */
export function resolveInclude(from: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target) || target.startsWith('/')) return undefined
  const joined = posix.normalize(posix.join(posix.dirname(from), target.replaceAll('\\', '/')))
  return joined.startsWith('../') || joined === '..' ? undefined : joined
}
