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
      // defineProperty: a "__proto__" member is data, as JSON.parse makes it.
      Object.defineProperty(out, key, { value: this.value(), enumerable: true, writable: true, configurable: true })
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
    let j = start + 1
    let escaped = false
    for (;;) {
      const c = t.charCodeAt(j)
      if (Number.isNaN(c)) this.fail('unterminated string')
      if (c === 34) break
      if (c === 92) {
        escaped = true
        j += 2
        continue
      }
      if (c === 10) this.fail('newline in a string')
      j++
    }
    this.i = j + 1
    // Most strings have no escapes: slicing is much cheaper than JSON.parse.
    return escaped ? (JSON.parse(t.slice(start, j + 1)) as string) : t.slice(start + 1, j)
  }

  literal(): unknown {
    const m = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(
      this.text.slice(this.i, this.i + 64),
    )
    if (!m) this.fail('unexpected character')
    this.i += m[0].length
    return JSON.parse(m[0])
  }
}
