/** A parsed JSON value and where its parts start in the text (1-based lines). */
export interface JsonWithLines {
  value: unknown
  /** For every array: the line each element starts on. */
  elementLines: WeakMap<readonly unknown[], number[]>
  /** For every object: the line each member's value starts on. */
  memberLines: WeakMap<object, Map<string, number>>
}

/**
 * Parses JSON like `JSON.parse`, also recording the line where each array element and object
 * value starts, so a notebook's cell source lines can be traced back to lines of the `.ipynb`
 * file. Throws a SyntaxError naming the line on malformed input.
 */
export function parseJsonWithLines(text: string): JsonWithLines {
  const parser = new Parser(text)
  parser.space()
  const value = parser.value()
  parser.space()
  if (parser.i < text.length) parser.fail('unexpected text after the JSON value')
  return { value, elementLines: parser.elementLines, memberLines: parser.memberLines }
}

// --- internal ---

class Parser {
  i = 0
  line = 1
  readonly elementLines = new WeakMap<readonly unknown[], number[]>()
  readonly memberLines = new WeakMap<object, Map<string, number>>()

  constructor(private readonly text: string) {}

  fail(what: string): never {
    throw new SyntaxError(`${what} at line ${this.line}`)
  }

  space(): void {
    const t = this.text
    for (;;) {
      const c = t.charCodeAt(this.i)
      if (c === 10) this.line++
      else if (c !== 32 && c !== 9 && c !== 13) return
      this.i++
    }
  }

  value(): unknown {
    const c = this.text[this.i]
    if (c === '{') return this.object()
    if (c === '[') return this.array()
    if (c === '"') return this.string()
    return this.literal()
  }

  object(): Record<string, unknown> {
    this.i++ // {
    const out: Record<string, unknown> = {}
    const lines = new Map<string, number>()
    this.memberLines.set(out, lines)
    this.space()
    if (this.text[this.i] === '}') {
      this.i++
      return out
    }
    for (;;) {
      this.space()
      if (this.text[this.i] !== '"') this.fail('expected a member name')
      const key = this.string()
      this.space()
      if (this.text[this.i] !== ':') this.fail("expected ':'")
      this.i++
      this.space()
      lines.set(key, this.line)
      const value = this.value()
      // A "__proto__" member is data, as JSON.parse makes it (plain assignment would set the prototype).
      if (key === '__proto__') {
        Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true })
      } else {
        out[key] = value
      }
      this.space()
      const c = this.text[this.i++]
      if (c === '}') return out
      if (c !== ',') this.fail("expected ',' or '}'")
    }
  }

  array(): unknown[] {
    this.i++ // [
    const out: unknown[] = []
    const lines: number[] = []
    this.elementLines.set(out, lines)
    this.space()
    if (this.text[this.i] === ']') {
      this.i++
      return out
    }
    for (;;) {
      this.space()
      lines.push(this.line)
      out.push(this.value())
      this.space()
      const c = this.text[this.i++]
      if (c === ']') return out
      if (c !== ',') this.fail("expected ',' or ']'")
    }
  }

  string(): string {
    const t = this.text
    const start = this.i
    // Jump from quote to quote with indexOf: notebook strings run to megabytes of base64.
    let close = t.indexOf('"', start + 1)
    while (close !== -1 && escapedAt(t, close)) close = t.indexOf('"', close + 1)
    if (close === -1) this.fail('unterminated string')
    // A raw line break inside a string is invalid JSON; it is not checked for (one more pass over
    // megabytes of base64), so such a file's later line numbers may be off by its breaks.
    const raw = t.slice(start + 1, close)
    this.i = close + 1
    return raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw
  }

  literal(): unknown {
    const t = this.text
    for (const [word, value] of LITERALS) {
      if (t.startsWith(word, this.i)) {
        this.i += word.length
        return value
      }
    }
    NUMBER.lastIndex = this.i
    const m = NUMBER.exec(t)
    if (!m) this.fail('unexpected character')
    this.i += m[0].length
    return Number(m[0])
  }
}

const LITERALS: [string, unknown][] = [
  ['null', null],
  ['true', true],
  ['false', false],
]
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y

/** True when the character at `i` follows an odd number of backslashes. */
function escapedAt(text: string, i: number): boolean {
  let n = 0
  for (let j = i - 1; j >= 0 && text.charCodeAt(j) === 92; j--) n++
  return n % 2 === 1
}
