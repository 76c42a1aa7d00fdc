/**
 * Where each key and array element of a TOML document starts: smol-toml gives values, not
 * positions, and findings need `file:line`. The scan assumes a document the TOML parser already
 * accepted; it tracks tables, arrays of tables, dotted and quoted keys, inline tables, nested
 * arrays, all four string forms and comments.
 */
export type TomlPath = readonly (string | number)[]

export interface TomlPositions {
  /** 1-based line where the key (or array element, by index) at `path` starts; undefined if absent. */
  line(path: TomlPath): number | undefined
}

/**
 * Scans `text` once; lookups are map hits. Array-of-tables entries are indexed: `['package', 3, 'name']`.
 * `maxDepth` keeps only paths that short (a 1 MB uv.lock needs `package.N.name`, not every wheel).
 */
export function tomlPositions(text: string, options: { maxDepth?: number } = {}): TomlPositions {
  const offsets = new Map<string, number>()
  new Scanner(text, offsets, options.maxDepth ?? Number.POSITIVE_INFINITY).document()
  const starts = [0]
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1)
  return {
    line(path) {
      const at = offsets.get(JSON.stringify(path))
      if (at === undefined) return undefined
      let lo = 0
      let hi = starts.length - 1
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1
        if (starts[mid]! <= at) lo = mid
        else hi = mid - 1
      }
      return lo + 1
    },
  }
}

// --- internal ---

class Scanner {
  private i = 0
  /** Arrays of tables seen so far (by resolved path) and their current index. */
  private readonly tableArrays = new Map<string, number>()

  constructor(
    private readonly text: string,
    private readonly offsets: Map<string, number>,
    private readonly maxDepth: number,
  ) {}

  document(): void {
    let table: (string | number)[] = []
    while (this.skipBlank(true) && this.i < this.text.length) {
      const start = this.i
      if (this.text.startsWith('[[', this.i)) {
        this.i += 2
        const keys = this.keyPath()
        this.expect(']]')
        const path = this.resolve(keys.slice(0, -1))
        path.push(keys.at(-1)!)
        const id = JSON.stringify(path)
        const index = (this.tableArrays.get(id) ?? -1) + 1
        this.tableArrays.set(id, index)
        this.record(path, start)
        table = [...path, index]
        this.record(table, start)
      } else if (this.text[this.i] === '[') {
        this.i++
        table = this.resolve(this.keyPath())
        this.expect(']')
        this.record(table, start)
      } else {
        this.keyValue(table)
      }
      this.skipLine()
    }
  }

  /** A header's keys with the current index inserted after each array of tables it passes through. */
  private resolve(keys: string[]): (string | number)[] {
    const path: (string | number)[] = []
    for (const key of keys) {
      path.push(key)
      const index = this.tableArrays.get(JSON.stringify(path))
      if (index !== undefined) path.push(index)
    }
    return path
  }

  private keyValue(prefix: readonly (string | number)[]): void {
    const start = this.i
    const path = [...prefix, ...this.keyPath()]
    this.skipSpaces()
    this.expect('=')
    this.skipSpaces()
    this.record(path, start)
    this.value(path)
  }

  private value(path: readonly (string | number)[]): void {
    const c = this.text[this.i]
    if (c === '"' || c === "'") this.string()
    else if (c === '[') this.array(path)
    else if (c === '{') this.inlineTable(path)
    else while (this.i < this.text.length && !',]}\n#'.includes(this.text[this.i]!)) this.i++
  }

  private array(path: readonly (string | number)[]): void {
    this.i++
    for (let index = 0; ; index++) {
      this.skipBlank(true)
      if (this.text[this.i] === ']' || this.i >= this.text.length) break
      const element = [...path, index]
      this.record(element, this.i)
      this.value(element)
      this.skipBlank(true)
      if (this.text[this.i] === ',') this.i++
    }
    this.i++
  }

  private inlineTable(path: readonly (string | number)[]): void {
    this.i++
    for (;;) {
      this.skipBlank(true)
      if (this.text[this.i] === '}' || this.i >= this.text.length) break
      this.keyValue(path)
      this.skipBlank(true)
      if (this.text[this.i] === ',') this.i++
    }
    this.i++
  }

  private keyPath(): string[] {
    const keys: string[] = []
    for (;;) {
      this.skipSpaces()
      const c = this.text[this.i]
      if (c === '"' || c === "'") {
        const start = this.i
        this.string()
        keys.push(decodeKey(this.text.slice(start, this.i)))
      } else {
        const m = /[A-Za-z0-9_-]+/y
        m.lastIndex = this.i
        const bare = m.exec(this.text)?.[0] ?? ''
        this.i += bare.length
        keys.push(bare)
      }
      this.skipSpaces()
      if (this.text[this.i] !== '.') return keys
      this.i++
    }
  }

  private string(): void {
    const quote = this.text[this.i]!
    const triple = this.text.startsWith(quote.repeat(3), this.i)
    this.i += triple ? 3 : 1
    while (this.i < this.text.length) {
      const c = this.text[this.i]!
      if (c === '\\' && quote === '"') {
        this.i += 2
      } else if (c === quote && !triple) {
        this.i++
        return
      } else if (c === quote) {
        // A multi-line string may end with one or two quotes of its own before the three: """a"""""
        let run = 0
        while (this.text[this.i + run] === quote) run++
        this.i += run
        if (run >= 3) return
      } else {
        this.i++
      }
    }
  }

  /** Skips spaces, comments and (when `newlines`) line breaks; false at the end of the text. */
  private skipBlank(newlines: boolean): boolean {
    for (;;) {
      const c = this.text[this.i]
      if (c === ' ' || c === '\t' || c === '\r' || (newlines && c === '\n')) this.i++
      else if (c === '#') while (this.i < this.text.length && this.text[this.i] !== '\n') this.i++
      else return this.i < this.text.length
    }
  }

  private skipSpaces(): void {
    while (this.text[this.i] === ' ' || this.text[this.i] === '\t') this.i++
  }

  private skipLine(): void {
    this.skipBlank(false)
    if (this.text[this.i] === '\n') this.i++
  }

  private expect(token: string): void {
    this.skipSpaces()
    if (!this.text.startsWith(token, this.i)) {
      throw new Error(`BUG: toml-positions expected '${token}' at offset ${this.i} of a document the parser accepted`)
    }
    this.i += token.length
  }

  /** Records the path and every table it implies (`[a.b.c]` defines `a` and `a.b` where they are new). */
  private record(path: readonly (string | number)[], offset: number): void {
    for (let end = Math.min(path.length, this.maxDepth); end > 0; end--) {
      const id = JSON.stringify(path.slice(0, end))
      if (this.offsets.has(id)) return
      this.offsets.set(id, offset)
    }
  }
}

function decodeKey(quoted: string): string {
  const body = quoted.slice(1, -1)
  if (quoted[0] === "'") return body
  return body.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (all, esc: string) => {
    if (esc.length > 1) return String.fromCodePoint(Number.parseInt(esc.slice(1), 16))
    return { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', e: '\x1b', '"': '"', '\\': '\\' }[esc] ?? all
  })
}
