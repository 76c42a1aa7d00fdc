/** How a module names another: the syntactic form of one import. */
export type ImportKind =
  /** `import … from 'x'` */
  | 'import'
  /** `import 'x'` */
  | 'side-effect'
  /** `export … from 'x'` */
  | 're-export'
  /** `import('x')` with a literal */
  | 'dynamic'
  /** `require('x')` */
  | 'require'
  /** `import x = require('x')` (TypeScript) */
  | 'import-equals'
  /** `import.meta.resolve('x')` */
  | 'import-meta-resolve'
  /** Python `import a.b` */
  | 'py-import'
  /** Python `from a.b import c` */
  | 'py-from'

/** One import found in a source file. */
export interface SourceImport {
  /** The module specifier as written: `'../x.js'` → `../x.js`; Python: `a.b`, `.`, `..y`. */
  specifier: string
  kind: ImportKind
  /** 1-based line of the specifier. */
  line: number
  /** 1-based column (UTF-16 units) of the specifier. */
  column: number
  /** Erased at runtime: `import type`, every binding `type`, `typeof import()`, Python `if TYPE_CHECKING:`. */
  typeOnly: boolean
  /** Python `from … import a, b`: the imported names (`*` for a star import); they may be submodules. */
  names?: string[]
}

/** 1-based line and column of each offset, from one pass over the text's line breaks. */
export function lineColumns(text: string, offsets: readonly number[]): { line: number; column: number }[] {
  const out: { line: number; column: number }[] = []
  let line = 1
  let lineStart = 0
  let next = text.indexOf('\n')
  // Offsets arrive in source order, so one forward walk serves them all.
  for (const offset of offsets) {
    while (next !== -1 && next < offset) {
      line++
      lineStart = next + 1
      next = text.indexOf('\n', lineStart)
    }
    out.push({ line, column: offset - lineStart + 1 })
  }
  return out
}
