import { lineColumns, type SourceImport } from './source-import.ts'

/**
 * Every import statement of a Python file: `import a.b as c, d`, `from a.b import c`,
 * `from . import x`, `from ..y import (z,\n w)`, at any depth (inside functions, `try:` blocks,
 * after `;` or `if x: import y`). Imports under `if`/`elif TYPE_CHECKING:` (or `typing.TYPE_CHECKING`)
 * are type-only; its `else:` branch is not. Strings (every prefix, triple quotes, f-strings with
 * nested quotes), docstrings and comments never count. One entry per module named: `import a, b`
 * gives two; `from m import x, y` gives one with `names: ['x', 'y']`.
 */
export function extractPyImports(text: string): SourceImport[] {
  const t = new PyTokens(text)
  const found: Found[] = []
  let statementStart = true
  let firstOfLine = true
  let typeCheckingIndent = -1 // indent of the `if TYPE_CHECKING:` whose block we are in
  let inlineTypeChecking = false // `if TYPE_CHECKING: import x` on one line
  let again = false
  const typeOnly = () => typeCheckingIndent >= 0 || inlineTypeChecking
  const isOp = (v: string) => t.kind === PY.op && t.value === v
  const isName = (v: string) => t.kind === PY.name && t.value === v

  /** A dotted name from the current NAME token; leaves the token after it current. */
  const dotted = (): string => {
    let name = t.value
    while (t.next() === PY.op && t.value === '.') {
      if (t.next() !== PY.name) return name
      name += `.${t.value}`
    }
    return name
  }

  const importStatement = () => {
    t.next()
    while (t.kind === PY.name) {
      const start = t.start
      const name = dotted()
      found.push({ specifier: name, kind: 'py-import', start, typeOnly: typeOnly() })
      if (isName('as')) {
        t.next()
        t.next()
      }
      if (!isOp(',')) return
      t.next()
    }
  }

  const fromStatement = () => {
    t.next()
    const start = t.start
    let specifier = ''
    while (isOp('.')) {
      specifier += '.'
      t.next()
    }
    if (t.kind === PY.name && t.value !== 'import') specifier += dotted()
    if (specifier === '' || !isName('import')) return
    t.next()
    const parenthesised = isOp('(')
    if (parenthesised) t.next()
    const names: string[] = []
    for (;;) {
      if (isOp('*')) {
        names.push('*')
        t.next()
      } else if (t.kind === PY.name) {
        names.push(t.value)
        t.next()
        if (isName('as')) {
          t.next()
          t.next()
        }
      } else break
      if (!isOp(',')) break
      t.next()
    }
    if (parenthesised && isOp(')')) t.next()
    if (names.length > 0) found.push({ specifier, kind: 'py-from', start, typeOnly: typeOnly(), names })
  }

  /** At `if`/`elif`: `if TYPE_CHECKING:` / `if typing.TYPE_CHECKING:` opens a type-only block or line. */
  const ifStatement = (indent: number) => {
    if (t.next() !== PY.name) return
    let last = t.value
    while (t.next() === PY.op && t.value === '.') {
      if (t.next() !== PY.name) return
      last = t.value
    }
    if (last !== 'TYPE_CHECKING' || !isOp(':')) return
    t.next()
    if (t.kind === PY.newline || t.kind === PY.eof) {
      // Nested blocks keep the outermost TYPE_CHECKING.
      if (typeCheckingIndent < 0) typeCheckingIndent = indent
    } else {
      inlineTypeChecking = true
      statementStart = true
    }
  }

  for (;;) {
    if (!again) t.next()
    again = false
    if (t.kind === PY.eof) break
    if (t.kind === PY.newline) {
      statementStart = true
      firstOfLine = true
      inlineTypeChecking = false
      continue
    }
    if (firstOfLine) {
      firstOfLine = false
      if (typeCheckingIndent >= 0 && t.indent <= typeCheckingIndent) typeCheckingIndent = -1
    }
    if (t.kind === PY.op) {
      // `x = 1; import y` and `try: import y` start statements; inside brackets nothing does.
      statementStart = t.depth === 0 && (t.value === ';' || t.value === ':')
      continue
    }
    const starts = statementStart && t.kind === PY.name
    statementStart = false
    if (!starts) continue
    if (t.value === 'import') importStatement()
    else if (t.value === 'from') fromStatement()
    else if (t.value === 'if' || t.value === 'elif') ifStatement(t.indent)
    else continue
    again = true
  }
  const positions = lineColumns(
    text,
    found.map((f) => f.start),
  )
  return found.map((f, i) => ({
    specifier: f.specifier,
    kind: f.kind,
    ...(positions[i] as { line: number; column: number }),
    typeOnly: f.typeOnly,
    ...(f.names ? { names: f.names } : {}),
  }))
}

// --- internal ---

interface Found {
  specifier: string
  kind: 'py-import' | 'py-from'
  start: number
  typeOnly: boolean
  names?: string[]
}

const PY = { eof: 0, name: 1, op: 2, string: 3, number: 4, newline: 5 } as const

/**
 * Python's tokens, as far as imports need them: names, operators (`...` as three `.`), strings
 * and numbers as opaque tokens, and NEWLINE only at the end of a logical line (brackets and
 * backslashes join lines; blank and comment-only lines give none). `indent` is the column of
 * the first token of the current logical line, tabs to multiples of 8 as Python counts them.
 */
class PyTokens {
  kind: number = PY.newline
  value = ''
  start = 0
  depth = 0
  indent = 0
  private pos = 0
  private lineStart = 0
  private lineHasTokens = false
  private readonly src: string
  private readonly len: number

  constructor(src: string) {
    this.src = src
    this.len = src.length
  }

  next(): number {
    const src = this.src
    for (;;) {
      if (this.pos >= this.len) {
        if (this.lineHasTokens) return this.newline()
        this.kind = PY.eof
        this.start = this.len
        return this.kind
      }
      const c = src.charCodeAt(this.pos)
      if (c === 32 || c === 9 || c === 12) {
        this.pos++
      } else if (c === 35) {
        const end = src.indexOf('\n', this.pos)
        this.pos = end === -1 ? this.len : end
      } else if (c === 92 && (src.charCodeAt(this.pos + 1) === 10 || src.charCodeAt(this.pos + 1) === 13)) {
        this.pos += src.charCodeAt(this.pos + 1) === 13 && src.charCodeAt(this.pos + 2) === 10 ? 3 : 2
      } else if (c === 10 || c === 13) {
        this.pos++
        if (c === 13 && src.charCodeAt(this.pos) === 10) this.pos++
        this.lineStart = this.pos
        if (this.depth === 0 && this.lineHasTokens) return this.newline()
      } else {
        break
      }
    }
    const c = src.charCodeAt(this.pos)
    this.start = this.pos
    if (!this.lineHasTokens) {
      this.lineHasTokens = true
      this.indent = columnOf(src, this.lineStart, this.pos)
    }
    if (isNameStart(c)) {
      let p = this.pos + 1
      while (p < this.len && isNamePart(src.charCodeAt(p))) p++
      const q = src.charCodeAt(p)
      if ((q === 39 || q === 34) && p - this.pos <= 2 && isStringPrefix(src.slice(this.pos, p))) {
        const prefix = src.slice(this.pos, p).toLowerCase()
        this.pos = skipString(src, p, prefix.includes('f') || prefix.includes('t'))
        this.kind = PY.string
        return this.kind
      }
      this.value = src.slice(this.pos, p)
      this.pos = p
      this.kind = PY.name
      return this.kind
    }
    if (c === 39 || c === 34) {
      this.pos = skipString(src, this.pos, false)
      this.kind = PY.string
      return this.kind
    }
    if (c >= 48 && c <= 57) {
      let p = this.pos + 1
      while (p < this.len && (isNamePart(src.charCodeAt(p)) || src.charCodeAt(p) === 46)) p++
      this.pos = p
      this.kind = PY.number
      return this.kind
    }
    if (c === 40 || c === 91 || c === 123) this.depth++
    else if ((c === 41 || c === 93 || c === 125) && this.depth > 0) this.depth--
    this.pos++
    this.kind = PY.op
    this.value = String.fromCharCode(c)
    return this.kind
  }

  private newline(): number {
    this.lineHasTokens = false
    this.kind = PY.newline
    this.value = ''
    return this.kind
  }
}

function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c > 127
}

function isNamePart(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57)
}

/** r, b, u, f, t and their two-letter combinations, any case. */
function isStringPrefix(p: string): boolean {
  return /^(?:[rbuft]|[rR][bBfFtT]|[bBfFtT][rR])$/i.test(p)
}

/** Python's indentation column: tabs to the next multiple of 8, a form feed resets. */
function columnOf(src: string, from: number, to: number): number {
  let col = 0
  for (let i = from; i < to; i++) {
    const c = src.charCodeAt(i)
    if (c === 9) col = (col & ~7) + 8
    else if (c === 12) col = 0
    else col++
  }
  return col
}

/**
 * The offset after the string literal whose opening quote is at `at`. f-strings (and t-strings)
 * skip their `{…}` replacement fields as code, so a quote inside one (`f"{d["k"]}"`, Python
 * 3.12) does not end the string. An unterminated one-line string ends at its line's end.
 */
function skipString(src: string, at: number, formatted: boolean): number {
  const quote = src.charCodeAt(at)
  const triple = src.charCodeAt(at + 1) === quote && src.charCodeAt(at + 2) === quote
  let p = at + (triple ? 3 : 1)
  const len = src.length
  while (p < len) {
    const c = src.charCodeAt(p)
    if (c === 92) {
      // Even in a raw string a backslash keeps the next quote from ending it.
      p += 2
      continue
    }
    if (c === quote) {
      if (!triple) return p + 1
      if (src.charCodeAt(p + 1) === quote && src.charCodeAt(p + 2) === quote) return p + 3
      p++
      continue
    }
    if ((c === 10 || c === 13) && !triple) return p
    if (formatted && c === 123) {
      if (src.charCodeAt(p + 1) === 123) {
        p += 2
        continue
      }
      p = skipField(src, p + 1)
      continue
    }
    p++
  }
  return len
}

/** From inside an f-string's `{`, the offset after its matching `}`. */
function skipField(src: string, from: number): number {
  let depth = 1
  let p = from
  const len = src.length
  while (p < len) {
    const c = src.charCodeAt(p)
    if (c === 39 || c === 34) {
      // A nested string, maybe itself prefixed: f"{f'{x}'}".
      let q = p - 1
      while (q >= from && isNamePart(src.charCodeAt(q))) q--
      const prefix = src.slice(q + 1, p).toLowerCase()
      const nestedFormatted = isStringPrefix(prefix) && (prefix.includes('f') || prefix.includes('t'))
      p = skipString(src, p, nestedFormatted)
      continue
    }
    if (c === 123 || c === 40 || c === 91) depth++
    else if (c === 125 || c === 41 || c === 93) {
      depth--
      if (depth === 0) return p + 1
    }
    p++
  }
  return len
}
