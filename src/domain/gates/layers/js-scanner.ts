/**
 * A JavaScript/TypeScript tokenizer that knows just enough grammar to never mistake a string,
 * template, comment, regular expression or JSX text for code: the import extractor reads its
 * tokens. Regex-or-division is decided from the previous token (with the `if (…) /re/` and
 * block-versus-object `}` cases tracked on stacks); JSX is entered where an expression starts
 * and left at its matching close, and both guesses recover when they turn out wrong (a "regex"
 * that meets the end of its line was a division; a JSX element still open at the end of the file
 * was a comparison or a type, and the scan rewinds to it).
 */
export class JsScanner {
  /** Kind of the current token (`TOKEN`). */
  kind: number = TOKEN.eof
  /** Offset of the current token's first character. */
  start = 0
  /**
   * Identifier name or punctuator text of the current token; a string's or template's raw body
   * (its value is `literal()`: escapes are applied only for the few strings that are specifiers).
   */
  value = ''
  /** The current token follows `.` or `?.` (a member name, never a keyword use). */
  afterDot = false
  /** The token before the current one was the identifier `typeof`. */
  afterTypeof = false
  /** The token before the current one was `<`. */
  afterLess = false

  private pos = 0
  /** The current string or template has escapes to apply. */
  private escaped = false
  private readonly src: string
  private readonly len: number
  private readonly jsx: boolean
  private readonly onRewind: ((offset: number) => void) | undefined
  /** A regular expression (not a division) may start at the next token. */
  private regexOk = true
  /** What each open `{` is: BRACE.* */
  private braces: number[] = []
  /** For each open `(`: whether a regex may follow its `)` (`if (...) /re/`). */
  private parens: boolean[] = []
  /** Open JSX elements, innermost last: ELEMENT.* bits. */
  private elements: number[] = []
  private checkpoint: Checkpoint | undefined
  /** Offsets of `<` that turned out not to open JSX. */
  private readonly notJsx = new Set<number>()

  /**
   * `jsx`: recognise JSX. `onRewind(offset)`: called when a JSX guess at `offset` failed and the
   * tokens from there on will be read again.
   */
  constructor(src: string, options: { jsx: boolean; onRewind?: (offset: number) => void }) {
    this.src = src
    this.len = src.length
    this.jsx = options.jsx
    this.onRewind = options.onRewind
    // A hashbang line is a comment.
    if (src.charCodeAt(0) === 35 && src.charCodeAt(1) === 33) this.pos = lineEnd(src, 0)
  }

  /** The value of the current string or template token, escapes applied. */
  literal(): string {
    return this.escaped ? cook(this.value) : this.value
  }

  /** Advances to the next token and returns its kind. */
  next(): number {
    const wasDot = this.kind === TOKEN.punct && (this.value === '.' || this.value === '?.')
    this.afterTypeof = this.kind === TOKEN.ident && this.value === 'typeof' && !this.afterDot
    this.afterLess = this.kind === TOKEN.punct && this.value === '<'
    this.afterDot = wasDot
    this.skipTrivia()
    if (this.pos >= this.len) {
      if (this.elements.length > 0 && this.checkpoint) return this.rewind()
      this.kind = TOKEN.eof
      this.start = this.len
      return this.kind
    }
    const src = this.src
    const c = src.charCodeAt(this.pos)
    this.start = this.pos
    if (isIdentStart(c)) return this.identifier()
    if (c >= 48 && c <= 57) return this.number()
    switch (c) {
      case 39: // '
      case 34: // "
        return this.string(c)
      case 96: // `
        this.pos++
        return this.template(true)
      case 46: // .
        if (isDigit(src.charCodeAt(this.pos + 1))) return this.number()
        if (src.charCodeAt(this.pos + 1) === 46 && src.charCodeAt(this.pos + 2) === 46)
          return this.punct('...', 3, true)
        return this.punct('.', 1, true)
      case 47: // /
        if (this.regexOk && this.regex()) return this.kind
        return this.punct('/', 1, true)
      case 123: // {
        this.braces.push(this.blockFollows() ? BRACE.block : BRACE.expression)
        return this.punct('{', 1, true)
      case 125: // }
        return this.closeBrace()
      case 40: // (
        this.parens.push(this.kind === TOKEN.ident && PAREN_KEYWORDS.has(this.value))
        return this.punct('(', 1, true)
      case 41: // )
        return this.punct(')', 1, this.parens.pop() ?? false)
      case 93: // ]
        return this.punct(']', 1, false)
      case 60: // <
        if (this.jsx && this.regexOk && this.jsxStarts()) return this.jsxRoot()
        return this.punct('<', 1, true)
      case 61: // =
        if (src.charCodeAt(this.pos + 1) === 62) return this.punct('=>', 2, true)
        return this.punct('=', 1, true)
      case 63: // ?
        if (src.charCodeAt(this.pos + 1) === 46 && !isDigit(src.charCodeAt(this.pos + 2)))
          return this.punct('?.', 2, true)
        return this.punct('?', 1, true)
      case 43: // +
      case 45: // -
        // `x++ / 2`: after a postfix ++/-- comes a division.
        if (src.charCodeAt(this.pos + 1) === c) return this.punct(c === 43 ? '++' : '--', 2, !this.endsExpression())
        return this.punct(c === 43 ? '+' : '-', 1, true)
      case 33: // !
        // TypeScript's non-null `x! / 2`: a `!` right after an operand is postfix.
        return this.punct('!', 1, !this.endsExpression())
      case 35: // # private name
        this.pos++
        return this.identifier()
      default:
        return this.punct(String.fromCharCode(c), 1, true)
    }
  }

  // --- internal ---

  private punct(text: string, length: number, regexOk: boolean): number {
    this.pos += length
    this.kind = TOKEN.punct
    this.value = text
    this.regexOk = regexOk
    return this.kind
  }

  /** The current (previous, from next()'s view) token ends an operand: `x`, `1`, `)`, `]`, `'s'`. */
  private endsExpression(): boolean {
    const k = this.kind
    // An identifier's regexOk is true exactly for keywords that start an expression.
    if (k === TOKEN.ident) return !this.regexOk
    if (k === TOKEN.punct) return this.value === ')' || this.value === ']' || this.value === '}'
    return k === TOKEN.string || k === TOKEN.template || k === TOKEN.number || k === TOKEN.regex || k === TOKEN.jsx
  }

  /** Whether a `{` at this point opens a block (statement position) rather than an object literal. */
  private blockFollows(): boolean {
    if (this.kind === TOKEN.eof) return true
    if (this.kind === TOKEN.ident) return !(this.regexOk && EXPRESSION_KEYWORDS.has(this.value))
    if (this.kind !== TOKEN.punct) return false
    const v = this.value
    return v === ';' || v === '{' || v === '}' || v === ')' || v === '=>'
  }

  private closeBrace(): number {
    const kind = this.braces.pop()
    this.pos++
    if (kind === BRACE.template) return this.template(false)
    if (kind === BRACE.jsxAttribute || kind === BRACE.jsxChild) return this.jsxResume()
    this.kind = TOKEN.punct
    this.value = '}'
    this.regexOk = kind !== BRACE.expression
    return this.kind
  }

  private identifier(): number {
    const src = this.src
    let p = this.pos + 1
    while (p < this.len && isIdentPart(src.charCodeAt(p))) p++
    this.value = src.slice(this.start, p)
    this.pos = p
    this.kind = TOKEN.ident
    this.regexOk = !this.afterDot && REGEX_AFTER_KEYWORD.has(this.value)
    return this.kind
  }

  private number(): number {
    const src = this.src
    let p = this.pos
    const hex = src.charCodeAt(p) === 48 && (src.charCodeAt(p + 1) | 32) === 120
    while (p < this.len) {
      const c = src.charCodeAt(p)
      if (isIdentPart(c) || c === 46) p++
      else if ((c === 43 || c === 45) && !hex && (src.charCodeAt(p - 1) | 32) === 101) p++
      else break
    }
    this.pos = p
    this.kind = TOKEN.number
    this.regexOk = false
    return this.kind
  }

  private string(quote: number): number {
    const src = this.src
    let p = this.pos + 1
    let escaped = false
    while (p < this.len) {
      const c = src.charCodeAt(p)
      if (c === quote) break
      if (c === 92) {
        escaped = true
        p += src.charCodeAt(p + 1) === 13 && src.charCodeAt(p + 2) === 10 ? 3 : 2
        continue
      }
      if (c === 10 || c === 13) break // unterminated: stop at the line's end
      p++
    }
    const raw = src.slice(this.pos + 1, Math.min(p, this.len))
    this.value = raw
    this.escaped = escaped
    this.pos = src.charCodeAt(p) === quote ? p + 1 : p
    this.kind = TOKEN.string
    this.regexOk = false
    return this.kind
  }

  /** A template from after its backtick (`head`) or after a substitution's `}`. */
  private template(head: boolean): number {
    const src = this.src
    let p = this.pos
    let escaped = false
    const from = p
    while (p < this.len) {
      const c = src.charCodeAt(p)
      if (c === 96) {
        this.value = head ? src.slice(from, p) : ''
        this.escaped = escaped
        this.pos = p + 1
        this.kind = head ? TOKEN.template : TOKEN.templatePart
        this.regexOk = false
        return this.kind
      }
      if (c === 92) {
        escaped = true
        p += 2
        continue
      }
      if (c === 36 && src.charCodeAt(p + 1) === 123) {
        this.braces.push(BRACE.template)
        this.pos = p + 2
        this.kind = TOKEN.templatePart
        this.value = ''
        this.regexOk = true
        return this.kind
      }
      p++
    }
    this.pos = this.len
    this.kind = head ? TOKEN.template : TOKEN.templatePart
    this.value = ''
    this.regexOk = false
    return this.kind
  }

  /** A regex literal from `/`; false (nothing consumed) when the line ends first: it was a division. */
  private regex(): boolean {
    const src = this.src
    let p = this.pos + 1
    let inClass = false
    while (p < this.len) {
      const c = src.charCodeAt(p)
      if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) return false
      if (c === 92) {
        p += 2
        continue
      }
      if (c === 91) inClass = true
      else if (c === 93) inClass = false
      else if (c === 47 && !inClass) break
      p++
    }
    if (p >= this.len) return false
    p++
    while (p < this.len && isIdentPart(src.charCodeAt(p))) p++
    this.pos = p
    this.kind = TOKEN.regex
    this.regexOk = false
    return true
  }

  private skipTrivia(): void {
    const src = this.src
    let p = this.pos
    while (p < this.len) {
      const c = src.charCodeAt(p)
      if (c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12) p++
      else if (c === 47) {
        const d = src.charCodeAt(p + 1)
        if (d === 47) p = lineEnd(src, p)
        else if (d === 42) {
          const end = src.indexOf('*/', p + 2)
          p = end === -1 ? this.len : end + 2
        } else break
      } else if (c > 127 && isSpace(c)) p++
      else break
    }
    this.pos = p
  }

  /** At `<` in expression position: a tag name or fragment follows, not a TypeScript generic `<T,>`. */
  private jsxStarts(): boolean {
    if (this.notJsx.has(this.pos)) return false
    const src = this.src
    let p = this.pos + 1
    const c = src.charCodeAt(p)
    if (c === 62) return true // <>
    if (!isIdentStart(c)) return false
    while (p < this.len && (isIdentPart(src.charCodeAt(p)) || src.charCodeAt(p) === 46)) p++
    while (p < this.len && (src.charCodeAt(p) === 32 || src.charCodeAt(p) === 9)) p++
    const after = src.charCodeAt(p)
    if (after === 44) return false // <T,>(x) => …
    if (src.startsWith('extends ', p)) return false // <T extends U>(x) => …
    return true
  }

  private jsxRoot(): number {
    if (!this.checkpoint) {
      this.checkpoint = {
        pos: this.pos,
        braces: this.braces.slice(),
        parens: this.parens.slice(),
        kind: this.kind,
        value: this.value,
        regexOk: this.regexOk,
      }
    }
    this.pos++
    this.elements.push(ELEMENT.inTag)
    return this.jsxResume()
  }

  /**
   * Scans JSX from the innermost open element until either a `{` opens an embedded expression
   * (a `{` token, code follows) or the outermost element of this expression closes (a `jsx` token,
   * an operand).
   */
  private jsxResume(): number {
    const src = this.src
    const elements = this.elements
    while (elements.length > 0) {
      const top = elements[elements.length - 1] as number
      if (this.pos >= this.len) return this.next()
      if (top & ELEMENT.inTag) {
        const c = src.charCodeAt(this.pos)
        if (c === 47 && src.charCodeAt(this.pos + 1) === 62) {
          this.pos += 2
          elements.pop()
          if (!(top & ELEMENT.child)) return this.jsxDone()
        } else if (c === 62) {
          this.pos++
          elements[elements.length - 1] = top & ~ELEMENT.inTag
        } else if (c === 123) {
          this.pos++
          this.braces.push(BRACE.jsxAttribute)
          return this.jsxBrace()
        } else if (c === 34 || c === 39) {
          const end = src.indexOf(String.fromCharCode(c), this.pos + 1)
          this.pos = end === -1 ? this.len : end + 1
        } else if (c === 47 && (src.charCodeAt(this.pos + 1) === 47 || src.charCodeAt(this.pos + 1) === 42)) {
          this.skipTrivia()
        } else {
          this.pos++
        }
      } else {
        let p = this.pos
        while (p < this.len) {
          const c = src.charCodeAt(p)
          if (c === 60 || c === 123) break
          p++
        }
        this.pos = p
        if (p >= this.len) continue
        if (src.charCodeAt(p) === 123) {
          this.pos++
          this.braces.push(BRACE.jsxChild)
          return this.jsxBrace()
        }
        let q = p + 1
        while (q < this.len && isSpaceAscii(src.charCodeAt(q))) q++
        if (src.charCodeAt(q) === 47) {
          const close = src.indexOf('>', q)
          this.pos = close === -1 ? this.len : close + 1
          elements.pop()
          if (!(top & ELEMENT.child)) return this.jsxDone()
        } else {
          this.pos = p + 1
          elements.push(ELEMENT.inTag | ELEMENT.child)
        }
      }
    }
    return this.jsxDone()
  }

  private jsxBrace(): number {
    this.kind = TOKEN.punct
    this.value = '{'
    this.regexOk = true
    return this.kind
  }

  private jsxDone(): number {
    if (this.elements.length === 0 && !this.braces.some(isJsxBrace)) this.checkpoint = undefined
    this.kind = TOKEN.jsx
    this.value = ''
    this.regexOk = false
    return this.kind
  }

  /** The file ended inside JSX: the `<` at the checkpoint was not JSX; re-read from there. */
  private rewind(): number {
    const cp = this.checkpoint as Checkpoint
    this.checkpoint = undefined
    this.notJsx.add(cp.pos)
    this.pos = cp.pos
    this.braces = cp.braces
    this.parens = cp.parens
    this.elements = []
    this.kind = cp.kind
    this.value = cp.value
    this.regexOk = cp.regexOk
    this.onRewind?.(cp.pos)
    return this.next()
  }
}

/** Token kinds of JsScanner. */
export const TOKEN = {
  eof: 0,
  ident: 1,
  punct: 2,
  string: 3,
  /** A whole template without substitutions; `value` is its text. */
  template: 4,
  /** A template piece next to a substitution. */
  templatePart: 5,
  number: 6,
  regex: 7,
  /** A complete JSX element or fragment. */
  jsx: 8,
} as const

// --- internal ---

interface Checkpoint {
  pos: number
  braces: number[]
  parens: boolean[]
  kind: number
  value: string
  regexOk: boolean
}

const BRACE = { block: 0, expression: 1, template: 2, jsxAttribute: 3, jsxChild: 4 } as const
const ELEMENT = { inTag: 1, child: 2 } as const

function isJsxBrace(b: number): boolean {
  return b === BRACE.jsxAttribute || b === BRACE.jsxChild
}

/** Keywords after which an expression (so a regex) starts. */
const REGEX_AFTER_KEYWORD = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
  'extends',
])

/** Keywords after which `{` is an object literal, not a block. */
const EXPRESSION_KEYWORDS = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'yield',
  'await',
])

/** `(` after these closes with a `)` that a regex may follow: `if (x) /re/.test(y)`. */
const PAREN_KEYWORDS = new Set(['if', 'while', 'for', 'with'])

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57
}

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 36 || c === 95 || c === 92 || (c > 127 && !isSpace(c))
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57)
}

function isSpaceAscii(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13
}

/** Non-ASCII white space and line terminators (ECMAScript WhiteSpace/LineTerminator). */
function isSpace(c: number): boolean {
  return (
    c === 0xa0 ||
    c === 0xfeff ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  )
}

function lineEnd(src: string, from: number): number {
  const n = src.indexOf('\n', from)
  return n === -1 ? src.length : n
}

/** The value of a string literal's body with its escapes applied. */
function cook(raw: string): string {
  return raw.replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|\r\n|[\s\S])/g, (_, e: string) => {
    const c = e[0]
    if ((c === 'u' || c === 'x') && e.length > 1)
      return String.fromCodePoint(Number.parseInt(e.replace(/[ux{}]/g, ''), 16))
    if (e === '\r\n' || e === '\n' || e === '\r' || e === '\u2028' || e === '\u2029') return ''
    return ESCAPES[e] ?? e
  })
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0' }
