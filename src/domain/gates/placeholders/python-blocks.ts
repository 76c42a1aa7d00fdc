/**
 * A small, indentation-aware reader of Python source: enough structure for the placeholders gate
 * (decorators, class bases, def bodies, docstrings, branches), not a parser. It joins physical
 * lines into logical ones (brackets, backslashes, triple-quoted strings), keeps string contents
 * apart from code, and nests statements by indentation. Malformed input never throws: it gives
 * whatever structure the indentation shows.
 */

/** One logical line: a simple statement, or a compound statement's header. */
export interface PyLine {
  /** 0-based index of its first physical line. */
  first: number
  /** 0-based index of its last physical line. */
  last: number
  /** Columns of leading whitespace (a tab advances to the next multiple of 8). */
  indent: number
  /** The code with every string literal emptied (`raise E("")`) and comments dropped. */
  code: string
  /** The code with string literals kept, comments dropped. */
  source: string
  /** The contents of its string literals, in order (f-string braces kept as written). */
  strings: string[]
}

export type PyKind =
  | 'module'
  | 'def'
  | 'class'
  | 'if'
  | 'elif'
  | 'else'
  | 'for'
  | 'while'
  | 'try'
  | 'except'
  | 'finally'
  | 'with'
  | 'match'
  | 'case'
  | 'decorator'
  | 'stmt'

/** A statement and, for compound statements, its body. */
export interface PyNode {
  kind: PyKind
  line: PyLine
  /** def/class name. */
  name?: string
  /** class: the text between the parentheses of `class C(...)`, e.g. `Base, metaclass=ABCMeta`. */
  bases?: string
  /** def/class: the decorator lines above it, without the `@`. */
  decorators: string[]
  /** The statements of its body; a one-line `def f(): pass` has its inline statement here. */
  body: PyNode[]
  parent?: PyNode
}

/** Reads `text` into a tree of statements under a `module` node. */
export function readPythonBlocks(text: string): PyNode {
  const lines = logicalLines(text)
  const module: PyNode = { kind: 'module', line: emptyLine(), decorators: [], body: [] }
  const stack: { indent: number; node: PyNode }[] = [{ indent: -1, node: module }]
  let pending: string[] = []
  for (const line of lines) {
    while (stack.length > 1 && line.indent <= (stack[stack.length - 1] as { indent: number }).indent) stack.pop()
    const parent = (stack[stack.length - 1] as { node: PyNode }).node
    const node = statement(line, parent)
    if (node.kind === 'decorator') {
      pending.push(line.code.slice(1).trim())
      continue
    }
    if (node.kind === 'def' || node.kind === 'class') node.decorators = pending
    pending = []
    parent.body.push(node)
    if (isOpenHeader(node)) stack.push({ indent: line.indent, node })
  }
  return module
}

/** Every node under `root`, depth first, in source order. */
export function* walkPython(root: PyNode): Generator<PyNode> {
  for (const child of root.body) {
    yield child
    yield* walkPython(child)
  }
}

/** A def's or class's body without its docstring. */
export function bodyWithoutDocstring(node: PyNode): PyNode[] {
  const [first, ...rest] = node.body
  return first && isDocstring(first) ? rest : node.body
}

/** A statement that is only a string literal (a docstring where it opens a body). */
export function isDocstring(node: PyNode): boolean {
  return node.kind === 'stmt' && node.line.strings.length > 0 && /^(?:[rRbBuUfF]{0,2}""\s*)+$/.test(node.line.code)
}

// --- internal ---

const COMPOUND =
  /^(async\s+def|def|class|if|elif|else|for|async\s+for|while|try|except\*?|finally|with|async\s+with|match|case)\b/

function emptyLine(): PyLine {
  return { first: 0, last: 0, indent: 0, code: '', source: '', strings: [] }
}

/** The node for one logical line; a one-line compound statement gets its inline body. */
function statement(line: PyLine, parent: PyNode): PyNode {
  const code = line.code.trimStart()
  if (code.startsWith('@')) return { kind: 'decorator', line, decorators: [], body: [], parent }
  const m = COMPOUND.exec(code)
  // `match`/`case` are soft keywords: `match = 1` or `case(x)` are plain statements.
  if (!m || ((m[1] === 'match' || m[1] === 'case') && !/^(?:match|case)\s+[^=(]/.test(code))) {
    return { kind: 'stmt', line, decorators: [], body: [], parent }
  }
  const keyword = (m[1] as string).replace(/^async\s+/, '').replace('*', '') as PyKind
  const node: PyNode = { kind: keyword, line, decorators: [], body: [], parent }
  if (keyword === 'def' || keyword === 'class') {
    node.name = /^(?:async\s+)?(?:def|class)\s+(\w+)/.exec(code)?.[1]
  }
  const colon = headerColon(code)
  if (keyword === 'class') {
    const open = code.indexOf('(')
    node.bases = open !== -1 && (colon === -1 || open < colon) ? code.slice(open + 1, code.lastIndexOf(')', colon)) : ''
  }
  const inline = colon === -1 ? '' : code.slice(colon + 1).trim()
  if (inline !== '') {
    // `def f(): pass` / `if x: raise E("…")`: the rest of the line is the body, one statement per `;`.
    const sourceColon = headerColon(line.source.trimStart())
    const inlineSource =
      sourceColon === -1
        ? inline
        : line.source
            .trimStart()
            .slice(sourceColon + 1)
            .trim()
    const headerStrings = countStrings(code.slice(0, colon))
    for (const part of splitStatements(inline)) {
      const sub: PyLine = {
        ...line,
        indent: line.indent + 1,
        code: part,
        source: inlineSource,
        strings: line.strings.slice(headerStrings),
      }
      node.body.push({ kind: 'stmt', line: sub, decorators: [], body: [], parent: node })
    }
  }
  return node
}

/** A compound header whose body follows on the next lines (no inline statement after the colon). */
function isOpenHeader(node: PyNode): boolean {
  if (node.kind === 'stmt' || node.kind === 'decorator') return false
  const code = node.line.code.trimEnd()
  return code.endsWith(':') && node.body.length === 0
}

/** The colon ending a compound header at bracket depth 0 (not `:=`, not a lambda's), or -1. */
function headerColon(code: string): number {
  let depth = 0
  let lambdas = 0
  for (let i = 0; i < code.length; i++) {
    const c = code[i]
    if (c === '(' || c === '[' || c === '{') depth++
    else if (c === ')' || c === ']' || c === '}') depth = Math.max(0, depth - 1)
    else if (depth === 0 && c === 'l' && /^lambda\b/.test(code.slice(i, i + 7)) && !/\w/.test(code[i - 1] ?? '')) {
      lambdas++
    } else if (depth === 0 && c === ':' && code[i + 1] !== '=') {
      if (lambdas > 0) lambdas--
      else return i
    }
  }
  return -1
}

/** Splits `a; b` at depth-0 semicolons (strings are already emptied in code). */
function splitStatements(code: string): string[] {
  const parts: string[] = []
  let depth = 0
  let start = 0
  for (let i = 0; i < code.length; i++) {
    const c = code[i]
    if (c === '(' || c === '[' || c === '{') depth++
    else if (c === ')' || c === ']' || c === '}') depth = Math.max(0, depth - 1)
    else if (c === ';' && depth === 0) {
      parts.push(code.slice(start, i).trim())
      start = i + 1
    }
  }
  parts.push(code.slice(start).trim())
  return parts.filter((p) => p !== '')
}

function countStrings(code: string): number {
  return (code.match(/""/g) ?? []).length
}

/**
 * Joins physical lines into logical lines. One pass over the characters tracks strings (single,
 * triple, with prefixes), comments, bracket depth and backslash continuations.
 */
function logicalLines(text: string): PyLine[] {
  const out: PyLine[] = []
  let code = ''
  let source = ''
  let strings: string[] = []
  let depth = 0
  let lineNo = 0
  let first = -1
  let indent = 0
  let atLineStart = true
  const n = text.length
  const flush = () => {
    if (first !== -1 && code.trim() !== '') {
      out.push({ first, last: lineNo, indent, code: code.trim(), source: source.trim(), strings })
    }
    code = ''
    source = ''
    strings = []
    depth = 0
    first = -1
  }
  let i = 0
  while (i < n) {
    const c = text[i] as string
    if (atLineStart) {
      // Measure indentation; blank and comment-only lines start nothing.
      let col = 0
      let j = i
      for (; j < n; j++) {
        const d = text[j]
        if (d === ' ') col++
        else if (d === '\t') col = (Math.floor(col / 8) + 1) * 8
        else if (d === '\f') col = 0
        else break
      }
      atLineStart = false
      if (first === -1 && j < n && text[j] !== '\n' && text[j] !== '\r' && text[j] !== '#') {
        first = lineNo
        indent = col
      }
      i = j
      continue
    }
    if (c === '\n') {
      if (depth === 0) flush()
      lineNo++
      atLineStart = depth === 0
      i++
      if (!atLineStart) {
        code += ' '
        source += ' '
      }
      continue
    }
    if (c === '\\' && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) {
      // Backslash continuation: the logical line goes on.
      i += text[i + 1] === '\r' ? 3 : 2
      lineNo++
      code += ' '
      source += ' '
      continue
    }
    if (c === '#') {
      const end = text.indexOf('\n', i)
      i = end === -1 ? n : end
      continue
    }
    if (c === '"' || c === "'") {
      const quote = text.startsWith(c.repeat(3), i) ? c.repeat(3) : c
      let j = i + quote.length
      let content = ''
      const stop = c === '"' ? STRING_STOP_DOUBLE : STRING_STOP_SINGLE
      for (; j < n; j++) {
        stop.lastIndex = j
        const next = stop.exec(text)?.index ?? n
        if (next > j) {
          content += text.slice(j, next)
          j = next
          if (j >= n) break
        }
        const d = text[j] as string
        if (d === '\\') {
          content += d + (text[j + 1] ?? '')
          if (text[j + 1] === '\n') lineNo++
          j++
          continue
        }
        if (text.startsWith(quote, j)) break
        if (d === '\n') {
          if (quote.length === 1) break // unterminated single-quoted string: stop at the line end
          lineNo++
        }
        content += d
      }
      const closed = j < n && text.startsWith(quote, j)
      strings.push(content)
      code += `${c}${c}`
      source += `${quote}${content}${closed ? quote : ''}`
      i = closed ? j + quote.length : j
      if (first === -1) {
        first = lineNo
        indent = 0
      }
      continue
    }
    if (c === '(' || c === '[' || c === '{') depth++
    else if (c === ')' || c === ']' || c === '}') depth = Math.max(0, depth - 1)
    else if (c !== '\r' && c !== '\\') {
      // A run of ordinary characters: copy it in one slice.
      SPECIAL.lastIndex = i
      const next = SPECIAL.exec(text)?.index ?? n
      code += text.slice(i, next)
      source += text.slice(i, next)
      i = next
      continue
    }
    if (c !== '\r') {
      code += c
      source += c
    }
    i++
  }
  flush()
  return out
}

/** Inside a string: the characters that may end it or need care. */
const STRING_STOP_DOUBLE = /["\\\n]/g
const STRING_STOP_SINGLE = /['\\\n]/g
/** Characters the line reader must look at one by one. */
const SPECIAL = /[\n\r\\#"'()[\]{}]/g
