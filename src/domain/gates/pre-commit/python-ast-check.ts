import { type RuffWorkspace, workspaceFor } from '../python-lint/ruff-wasm.ts'

/**
 * Python parsing through ruff's WebAssembly build (`@astral-sh/ruff-wasm-nodejs`, pinned 0.17.3),
 * the one place this gate touches it. Verified behaviour of that build: `new Workspace(settings,
 * PositionEncoding.Utf16)` (the string `'utf-16'` is accepted too); `check(text)` returns
 * diagnostics, syntax errors among them with `code: 'invalid-syntax'` whatever `lint.select` says;
 * `parse(text)` returns the AST in Rust's pretty `Debug` form with UTF-8 byte ranges. ruff also
 * reports *semantic* syntax errors that CPython raises only when compiling (duplicate parameters,
 * `nonlocal` at module level, `break` outside a loop…); `ast.parse` accepts those, so they are
 * filtered out here to match check-ast and debug-statements, which only call `ast.parse`.
 */
export interface PythonSyntaxError {
  line: number // 1-based
  column: number // 1-based, UTF-16 units
  message: string
}

/** A Python version for the grammar, as ruff names it (`py38` … `py314`). */
export type PythonTarget = `py3${number}`

/** The syntax errors `ast.parse` would raise (the first is what Python reports). Default grammar: Python 3.14. */
export function pythonSyntaxErrors(source: string, target: PythonTarget = 'py314'): PythonSyntaxError[] {
  if (source.includes('\0')) return [{ line: 1, column: 1, message: 'source code string cannot contain null bytes' }]
  const diagnostics = workspace(target).check(source) as RuffDiagnostic[]
  return diagnostics
    .filter((d) => d.code === 'invalid-syntax' && !SEMANTIC_ONLY.some((re) => re.test(d.message)))
    .map((d) => ({ line: d.start_location.row, column: d.start_location.column, message: d.message }))
}

/** A debugger import or `breakpoint()` call, as pre-commit-hooks' debug-statements finds them. */
export interface DebugStatement {
  line: number // 1-based
  col: number // 0-based UTF-8 byte offset, as Python's col_offset
  name: string
  reason: 'imported' | 'called'
}

/** Modules debug-statements flags when imported (`import x` or `from x import …`, also `from .x`). */
export const DEBUG_MODULES: ReadonlySet<string> = new Set([
  'bpdb',
  'ipdb',
  'pdb',
  'pdbr',
  'pudb',
  'pydevd_pycharm',
  'q',
  'rdb',
  'rpdb',
  'wdb',
])

/**
 * Debug statements in source order of upstream's AST visit: `import pdb` (names exactly in
 * DEBUG_MODULES; `import pdb.x` is not one), `from pdb import …`, and calls of the bare name
 * `breakpoint`. The source must parse (see pythonSyntaxErrors).
 */
export function findDebugStatements(source: string, target: PythonTarget = 'py314'): DebugStatement[] {
  const tree = new DebugReader(workspace(target).parse(source)).value()
  const bytes = Buffer.from(source, 'utf8')
  const lineStarts = [0]
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a) lineStarts.push(i + 1)
  const at = (range: unknown) => {
    const start = Number(String(range).split('..')[0])
    let lo = 0
    let hi = lineStarts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if ((lineStarts[mid] as number) <= start) lo = mid
      else hi = mid - 1
    }
    return { line: lo + 1, col: start - (lineStarts[lo] as number) }
  }
  const found: DebugStatement[] = []
  walk(tree, (node) => {
    if (node.type === 'StmtImport') {
      for (const alias of asList(node.fields?.names)) {
        const name = identifier(alias.fields?.name)
        if (name !== undefined && DEBUG_MODULES.has(name))
          found.push({ ...at(node.fields?.range), name, reason: 'imported' })
      }
    } else if (node.type === 'StmtImportFrom') {
      const module = node.fields?.module as DebugNode | undefined
      const name = module?.type === 'Some' ? identifier(module.args?.[0]) : undefined
      if (name !== undefined && DEBUG_MODULES.has(name))
        found.push({ ...at(node.fields?.range), name, reason: 'imported' })
    } else if (node.type === 'ExprCall') {
      const func = node.fields?.func as DebugNode | undefined
      const exprName = func?.type === 'Name' ? (func.args?.[0] as DebugNode | undefined) : undefined
      if (exprName?.type === 'ExprName' && identifier(exprName) === 'breakpoint') {
        found.push({ ...at(node.fields?.range), name: 'breakpoint', reason: 'called' })
      }
    }
  })
  return found
}

// --- internal ---

interface RuffDiagnostic {
  code: string | null
  message: string
  start_location: { row: number; column: number }
}

/**
 * One Workspace per grammar version (building one costs a few ms, checks reuse it), from the
 * python-lint gate's engine: one ruff instance per thread, compiled with its V8 settings.
 */
function workspace(target: PythonTarget): RuffWorkspace {
  return workspaceFor({ 'target-version': target, lint: { select: [] } })
}

/** ruff's SemanticSyntaxError messages (ruff_python_parser/src/semantic_errors.rs): compile-time, not parse-time. */
const SEMANTIC_ONLY: readonly RegExp[] = [
  /^__future__ imports must be at the top of the file$/,
  /^assignment expression (cannot be used in a comprehension iterable|within a comprehension cannot be used in a class body|cannot rebind comprehension variable)/,
  /^duplicate type parameter$/,
  /^non default type parameter `.*` follows default type parameter$/,
  /^multiple assignments to name `.*` in pattern$/,
  /^multiple starred names in sequence pattern$/,
  /^(name capture `.*`|wildcard) makes remaining patterns unreachable$/,
  /^starred assignment target must be in a list or tuple$/,
  /^cannot (assign to|delete) `__debug__`/,
  /^.* cannot be used within a .*$/,
  /^mapping pattern checks duplicate key/,
  /^attribute name `.*` repeated in class pattern$/,
  /^name `.*` is used prior to (global|nonlocal) declaration$/,
  /^Starred expression cannot be used here$/,
  /^cannot use an asynchronous comprehension inside of a synchronous comprehension/,
  /^`.*` statement outside of a function$/,
  /^.* outside of an asynchronous function$/,
  /^Duplicate parameter ".*"$/,
  /^nonlocal declaration not allowed at module level$/,
  /^Duplicate keyword argument `.*`$/,
  /^name `.*` is nonlocal and global$/,
  /^annotated name `.*` can't be (global|nonlocal)$/,
  /^`yield from` statement in async function/,
  /^`from .* import \*` only allowed at module level$/,
  /^Two starred expressions in assignment$/,
  /^Future feature `.*` is not defined$/,
  /^lazy (import|from)/,
  /^`(break|continue)` outside loop$/,
  /^name `.*` cannot refer to a parameter and a (global|nonlocal) variable$/,
  /^alternative patterns bind different names$/,
  /^no binding for nonlocal `.*` found$/,
  /^`return` with value in async generator$/,
]

/** A node of Rust's Debug output: `Type(args…)`, `Type { fields }`, a list, or a leaf. */
interface DebugNode {
  type?: string
  args?: unknown[]
  fields?: Record<string, unknown>
}

function asList(v: unknown): DebugNode[] {
  return Array.isArray(v) ? (v as DebugNode[]) : []
}

/** `Identifier { id: Name("x") }` or `ExprName { id: Name("x") }` → `x`. */
function identifier(v: unknown): string | undefined {
  const node = v as DebugNode | undefined
  const id = node?.fields?.id as DebugNode | undefined
  const s = id?.type === 'Name' ? id.args?.[0] : undefined
  return typeof s === 'string' ? s : undefined
}

function walk(v: unknown, visit: (node: DebugNode) => void): void {
  if (Array.isArray(v)) {
    for (const x of v) walk(x, visit)
    return
  }
  if (v === null || typeof v !== 'object') return
  const node = v as DebugNode
  visit(node)
  for (const a of node.args ?? []) walk(a, visit)
  for (const f of Object.values(node.fields ?? {})) walk(f, visit)
}

const WORD = /-?[\d.]+(?:\.\.[\d.]+)?|[A-Za-z_][\w:]*/y
const KEY = /\w+/y
const RUST_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '0': '\0' }

/** A recursive-descent reader for the `{:#?}` text: identifiers, strings, numbers and ranges, `( ) { } [ ] , :`. */
class DebugReader {
  private i = 0
  constructor(private readonly s: string) {}

  private skip(): void {
    for (;;) {
      const c = this.s.charCodeAt(this.i)
      if (c !== 0x20 && c !== 0x0a && c !== 0x2c && c !== 0x09 && c !== 0x0d) return
      this.i++
    }
  }

  /** A sticky match at the cursor (slicing the rest of a megabyte-sized dump per token was quadratic). */
  private match(re: RegExp): string | undefined {
    re.lastIndex = this.i
    return re.exec(this.s)?.[0]
  }

  value(): unknown {
    this.skip()
    const c = this.s[this.i]
    if (c === '"') return this.string()
    if (c === '[') {
      this.i++
      const items: unknown[] = []
      for (this.skip(); this.s[this.i] !== ']'; this.skip()) items.push(this.value())
      this.i++
      return items
    }
    const word = this.match(WORD)
    if (word === undefined)
      throw new Error(`BUG: unreadable ruff AST output at ${this.i}: ${this.s.slice(this.i, this.i + 40)}`)
    this.i += word.length
    this.skip()
    if (this.s[this.i] === '(') {
      this.i++
      const args: unknown[] = []
      for (this.skip(); this.s[this.i] !== ')'; this.skip()) args.push(this.value())
      this.i++
      return { type: word, args }
    }
    if (this.s[this.i] === '{') {
      this.i++
      const fields: Record<string, unknown> = {}
      for (this.skip(); this.s[this.i] !== '}'; this.skip()) {
        const key = this.match(KEY) as string
        this.i += key.length
        this.skip()
        this.i++ // :
        fields[key] = this.value()
      }
      this.i++
      return { type: word, fields }
    }
    return /^[A-Za-z_]/.test(word) ? { type: word } : word
  }

  private string(): string {
    this.i++
    let out = ''
    for (;;) {
      const c = this.s[this.i++]
      if (c === undefined || c === '"') return out
      if (c !== '\\') {
        out += c
        continue
      }
      const e = this.s[this.i++] as string
      if (e === 'u') {
        const end = this.s.indexOf('}', this.i)
        out += String.fromCodePoint(Number.parseInt(this.s.slice(this.i + 1, end), 16))
        this.i = end + 1
      } else {
        out += RUST_ESCAPES[e] ?? e
      }
    }
  }
}
