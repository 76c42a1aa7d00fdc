import { extractJsImports } from './extract-js-imports.ts'
import { extractPyImports } from './extract-py-imports.ts'
import type { TsAliases } from './read-ts-aliases.ts'
import type { RepoIndex } from './resolution.ts'
import { type PackageInfo, resolveJsImport } from './resolve-js-import.ts'
import { resolvePyImport } from './resolve-py-import.ts'
import type { ImportKind, SourceImport } from './source-import.ts'
import { sourceLanguage } from './source-language.ts'

/** One resolved import: an arrow of the graph, to a repository file or to a package. */
export interface ImportEdge {
  from: string
  /** The repository file imported, when it resolved to one. */
  to?: string
  /** The package imported, when external. */
  package?: string
  specifier: string
  kind: ImportKind
  line: number
  column: number
  typeOnly: boolean
}

/** An import that should name a repository file and names none, or climbs out of its package. */
export interface ImportProblem {
  file: string
  line: number
  specifier: string
  /** unresolved-module: a Python import into a local package names no module of it. */
  rule: 'unresolved-relative' | 'unresolved-alias' | 'unresolved-module' | 'relative-beyond-top'
  reason: string
}

/** The file-level import graph of a set of source files. */
export interface ImportGraph {
  /** The source files scanned, sorted. */
  sources: string[]
  /** Sorted by file, then line and column. */
  edges: ImportEdge[]
  problems: ImportProblem[]
}

export interface GraphOptions {
  pythonRoots: readonly string[]
  aliases?: TsAliases
  pkg?: PackageInfo
}

/** Source extensions the layers gate reads. */

/** The imports of one source file, by its extension. */
export function extractImports(path: string, text: string): SourceImport[] {
  const lang = sourceLanguage(path)
  if (lang === 'js') return extractJsImports(path, text)
  if (lang === 'py') return extractPyImports(text)
  return []
}

/**
 * Extracts and resolves the imports of each source (path, text): edges to repository files and
 * packages, and problems for relative imports (and `#`/self-reference aliases) naming no file.
 */
export function buildImportGraph(
  sources: readonly { path: string; text: string }[],
  repo: RepoIndex,
  options: GraphOptions,
): ImportGraph {
  const edges: ImportEdge[] = []
  const problems: ImportProblem[] = []
  for (const { path, text } of sources) {
    const lang = sourceLanguage(path)
    for (const imp of extractImports(path, text)) {
      const base = {
        from: path,
        specifier: imp.specifier,
        kind: imp.kind,
        line: imp.line,
        column: imp.column,
        typeOnly: imp.typeOnly,
      }
      const results =
        lang === 'py'
          ? resolvePyImport(path, imp, repo, options.pythonRoots)
          : [resolveJsImport(path, imp.specifier, repo, options.aliases, options.pkg)]
      const seen = new Set<string>()
      for (const r of results) {
        if (r.kind === 'file') {
          if (seen.has(r.path)) continue
          seen.add(r.path)
          edges.push({ ...base, to: r.path })
        } else if (r.kind === 'external') {
          edges.push({ ...base, package: r.package })
        } else if (r.kind === 'unresolved') {
          problems.push({
            file: path,
            line: imp.line,
            specifier: imp.specifier,
            rule: imp.specifier.startsWith('.')
              ? 'unresolved-relative'
              : lang === 'py'
                ? 'unresolved-module'
                : 'unresolved-alias',
            reason: r.reason,
          })
        } else if (r.kind === 'beyond-top') {
          problems.push({
            file: path,
            line: imp.line,
            specifier: imp.specifier,
            rule: 'relative-beyond-top',
            reason: r.reason,
          })
        }
      }
    }
  }
  edges.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.line - b.line || a.column - b.column))
  return { sources: sources.map((s) => s.path).sort(), edges, problems }
}
