/**
 * Python `re` patterns (as written in `.pre-commit-config.yaml` and pygrep entries) compiled to
 * JavaScript RegExps with Python's meaning. What differs and is translated: `(?x)` verbose mode,
 * global inline flags `(?aimsux)`, `\A` `\Z`, `^` `$` `.` (Python's `$` also matches before a
 * final newline and `.` matches `\r`), named groups `(?P<n>…)` and `(?P=n)`, `(?#…)` comments,
 * `{,n}` quantifiers, a literal `{` that is no quantifier, `]` first in a class, Unicode `\d`/`\w`
 * for str patterns, ASCII `\s` for bytes patterns, and escapes of any punctuation.
 * Constructs JavaScript (Node 20) cannot express — scoped flags `(?i:…)`, conditionals
 * `(?(1)…)`, atomic groups, possessive quantifiers, `\N{…}`, Unicode `\W` inside a set — throw a
 * PythonRegexError.
 */
export class PythonRegexError extends Error {
  constructor(
    readonly pattern: string,
    readonly reason: string,
  ) {
    super(`cannot use Python regex ${JSON.stringify(pattern)}: ${reason}`)
    this.name = 'PythonRegexError'
  }
}

export interface PythonRegexOptions {
  /**
   * A bytes pattern (pygrep): the pattern is matched against text decoded as latin1, one char per
   * byte, so the pattern itself is UTF-8-encoded to latin1 chars first. Default false (str).
   */
  bytes?: boolean
  ignoreCase?: boolean // re.IGNORECASE
  multiline?: boolean // re.MULTILINE
  dotAll?: boolean // re.DOTALL
}

/** Compiles a Python regex to a RegExp with the same matches (`search` = `RegExp.exec`). */
export function compilePythonRegex(pattern: string, options: PythonRegexOptions = {}): RegExp {
  const { source, flags } = translatePythonRegex(pattern, options)
  try {
    return new RegExp(source, flags)
  } catch (error) {
    throw new PythonRegexError(pattern, (error as Error).message)
  }
}

/** The JavaScript source and flags for a Python pattern (see compilePythonRegex). */
export function translatePythonRegex(
  pattern: string,
  options: PythonRegexOptions = {},
): { source: string; flags: string } {
  const bytes = options.bytes === true
  const src = bytes ? utf8AsLatin1(pattern) : pattern
  const flags = {
    i: options.ignoreCase === true,
    m: options.multiline === true,
    s: options.dotAll === true,
    x: false,
    a: bytes,
  }
  const out = new Translator(src, pattern, bytes, flags).run()
  return { source: out, flags: `${flags.i ? 'i' : ''}${bytes ? '' : 'u'}` }
}

/** `s` encoded as UTF-8, each byte as one char (the latin1 view pygrep's bytes are matched in). */
export function utf8AsLatin1(s: string): string {
  return Buffer.from(s, 'utf8').toString('latin1')
}

// --- internal ---

const SYNTAX = new Set([...'^$\\.*+?()[]{}|/'])
const WORD = '\\p{L}\\p{N}_'
const BYTES_SPACE = ' \\t\\n\\r\\f\\v'

interface Flags {
  i: boolean
  m: boolean
  s: boolean
  x: boolean
  a: boolean
}

class Translator {
  private i = 0

  constructor(
    private readonly src: string,
    private readonly original: string,
    private readonly bytes: boolean,
    private readonly flags: Flags,
  ) {}

  run(): string {
    this.leadingFlags()
    let out = ''
    while (this.i < this.src.length) out += this.atom()
    return out
  }

  private fail(reason: string): never {
    throw new PythonRegexError(this.original, reason)
  }

  /** Global flags: Python 3.11 only allows them at the start of the pattern. */
  private leadingFlags(): void {
    for (;;) {
      const m = /^\(\?([aiLmsux]+)\)/.exec(this.src.slice(this.i))
      if (!m) return
      for (const f of m[1] as string) {
        if (f === 'L') this.fail('the L (locale) flag is not supported')
        if (f === 'u') continue
        this.flags[f as keyof Flags] = true
      }
      this.i += m[0].length
    }
  }

  private atom(): string {
    const c = this.src[this.i] as string
    if (this.flags.x) {
      if (/\s/.test(c)) {
        this.i++
        return ''
      }
      if (c === '#') {
        while (this.i < this.src.length && this.src[this.i] !== '\n') this.i++
        return ''
      }
    }
    switch (c) {
      case '\\':
        return this.escape(false)
      case '[':
        return this.charClass()
      case '(':
        return this.group()
      case ')':
      case '|':
        this.i++
        return c
      case '.':
        this.i++
        return this.flags.s ? '[\\s\\S]' : '[^\\n]'
      case '^':
        this.i++
        return this.flags.m ? '(?:(?<![\\s\\S])|(?<=\\n))' : '(?<![\\s\\S])'
      case '$':
        this.i++
        return this.flags.m ? '(?=\\n|(?![\\s\\S]))' : '(?=\\n?(?![\\s\\S]))'
      case '{':
        return this.brace()
      case '}':
        this.i++
        return '\\}'
      case '*':
      case '+':
      case '?':
        this.i++
        if (this.src[this.i] === '+') this.fail('possessive quantifiers are not supported')
        return c
      default:
        this.i++
        return literal(c)
    }
  }

  /** `{m,n}` is a quantifier (Python allows `{,n}`); anything else is a literal brace. */
  private brace(): string {
    const m = /^\{(\d*)(,?)(\d*)\}/.exec(this.src.slice(this.i))
    if (!m || (m[1] === '' && m[2] === '') || (m[1] === '' && m[3] === '' && m[2] === ',')) {
      this.i++
      return '\\{'
    }
    this.i += m[0].length
    if (this.src[this.i] === '+') this.fail('possessive quantifiers are not supported')
    return `{${m[1] === '' ? '0' : m[1]}${m[2]}${m[3]}}`
  }

  private group(): string {
    const rest = this.src.slice(this.i)
    if (!rest.startsWith('(?')) {
      this.i++
      return '('
    }
    const named = /^\(\?P<([A-Za-z_]\w*)>/.exec(rest)
    if (named) {
      this.i += named[0].length
      return `(?<${named[1]}>`
    }
    const backref = /^\(\?P=([A-Za-z_]\w*)\)/.exec(rest)
    if (backref) {
      this.i += backref[0].length
      return `\\k<${backref[1]}>`
    }
    if (rest.startsWith('(?#')) {
      const end = this.src.indexOf(')', this.i)
      if (end < 0) this.fail('missing ), unterminated comment')
      this.i = end + 1
      return ''
    }
    for (const open of ['(?:', '(?=', '(?!', '(?<=', '(?<!']) {
      if (rest.startsWith(open)) {
        this.i += open.length
        return open
      }
    }
    if (/^\(\?[aiLmsux]+\)/.test(rest)) this.fail('global flags not at the start of the expression')
    if (/^\(\?[-aiLmsux]+:/.test(rest)) this.fail('scoped inline flags (?flags:...) are not supported')
    if (rest.startsWith('(?(')) this.fail('conditional groups (?(id)yes|no) are not supported')
    if (rest.startsWith('(?>')) this.fail('atomic groups (?>...) are not supported')
    return this.fail(`unknown extension ${rest.slice(0, 3)}`)
  }

  private charClass(): string {
    this.i++ // [
    let out = '['
    if (this.src[this.i] === '^') {
      out += '^'
      this.i++
    }
    let first = true
    for (;;) {
      if (this.i >= this.src.length) this.fail('unterminated character set')
      const c = this.src[this.i] as string
      if (c === ']' && !first) {
        this.i++
        return `${out}]`
      }
      first = false
      if (c === '\\') {
        out += this.escape(true)
      } else {
        this.i++
        out += c === ']' || c === '[' ? `\\${c}` : c
      }
    }
  }

  /** The last char a set range can end at: any code point for str patterns, any latin1 byte (and beyond) for bytes. */
  private maxChar(): string {
    return this.bytes ? '\\uffff' : '\\u{10ffff}'
  }

  private codePoint(n: number): string {
    if (this.bytes && n > 0xff) this.fail(`escape \\u{${n.toString(16)}} is out of range for a bytes pattern`)
    return this.bytes ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u{${n.toString(16)}}`
  }

  /** One escape sequence; `inClass` picks the class-member form of `\d`, `\w`, `\s`. */
  private escape(inClass: boolean): string {
    const c = this.src[this.i + 1]
    if (c === undefined) this.fail('bad escape (end of pattern)')
    this.i += 2
    const unicode = !this.flags.a
    switch (c) {
      case 'A':
        if (inClass) this.fail('bad escape \\A in a character set')
        return '(?<![\\s\\S])'
      case 'Z':
        if (inClass) this.fail('bad escape \\Z in a character set')
        return '(?![\\s\\S])'
      case 'd':
        return unicode ? '\\p{Nd}' : inClass ? '0-9' : '[0-9]'
      case 'D':
        // In a set a complement is spelled as the ranges around what it leaves out.
        return unicode ? '\\P{Nd}' : inClass ? `\\x00-\\x2f\\x3a-${this.maxChar()}` : '[^0-9]'
      case 'w':
        return unicode ? (inClass ? WORD : `[${WORD}]`) : inClass ? 'A-Za-z0-9_' : '[A-Za-z0-9_]'
      case 'W':
        if (unicode && inClass)
          // JavaScript's \W is ASCII, and the complement of Unicode letters and digits is no set member.
          this.fail(
            '\\W inside a character set of a str pattern is not supported (JavaScript cannot express it); add (?a) for ASCII \\W, or use a lookahead such as (?!\\d)\\w for [^\\W\\d]',
          )
        return unicode
          ? `[^${WORD}]`
          : inClass
            ? `\\x00-\\x2f\\x3a-\\x40\\x5b-\\x5e\\x60\\x7b-${this.maxChar()}`
            : '[^A-Za-z0-9_]'
      case 's':
        return this.bytes ? (inClass ? BYTES_SPACE : `[${BYTES_SPACE}]`) : '\\s'
      case 'S':
        if (this.bytes) return inClass ? `\\x00-\\x08\\x0e-\\x1f\\x21-${this.maxChar()}` : `[^${BYTES_SPACE}]`
        return '\\S'
      // JavaScript's \b is ASCII; Python's, in a str pattern, is between Unicode word and non-word.
      case 'b':
        return inClass ? '\\x08' : unicode ? `(?:(?<=[${WORD}])(?![${WORD}])|(?<![${WORD}])(?=[${WORD}]))` : '\\b'
      case 'B': {
        // Python before 3.14 never matches \B in an empty string.
        const nonEmpty = '(?:(?<=[\\s\\S])|(?=[\\s\\S]))'
        return unicode ? `(?:(?<=[${WORD}])(?=[${WORD}])|(?<![${WORD}])(?![${WORD}])${nonEmpty})` : `(?:\\B${nonEmpty})`
      }
      case 'n':
      case 't':
      case 'r':
      case 'f':
      case 'v':
        return `\\${c}`
      case 'a':
        return '\\x07'
      case 'x': {
        const hex = /^[0-9a-fA-F]{2}/.exec(this.src.slice(this.i))
        if (!hex) this.fail('incomplete escape \\x')
        this.i += 2
        return this.codePoint(Number.parseInt(hex[0], 16))
      }
      case 'u':
      case 'U': {
        const n = c === 'u' ? 4 : 8
        const hex = new RegExp(`^[0-9a-fA-F]{${n}}`).exec(this.src.slice(this.i))
        if (!hex || this.bytes) this.fail(`bad escape \\${c}`)
        this.i += n
        return this.codePoint(Number.parseInt(hex[0], 16))
      }
      case 'N':
        return this.fail('named unicode escapes \\N{...} are not supported')
      default:
        break
    }
    if (c >= '0' && c <= '9') {
      const oct = /^[0-7]{0,2}/.exec(this.src.slice(this.i))?.[0] ?? ''
      if (c === '0' || (oct.length === 2 && c <= '7')) {
        const digits = c === '0' ? `0${oct}` : `${c}${oct}`
        this.i += oct.length
        return this.codePoint(Number.parseInt(digits, 8))
      }
      const ref = /^\d?/.exec(this.src.slice(this.i))?.[0] ?? ''
      this.i += ref.length
      if (inClass) this.fail(`bad escape \\${c}${ref} in a character set`)
      return `\\${c}${ref}`
    }
    if (/[A-Za-z]/.test(c)) this.fail(`bad escape \\${c}`)
    return inClass
      ? c === '-' || c === ']' || c === '[' || c === '\\' || c === '^'
        ? `\\${c}`
        : literal(c)
      : literal(c)
  }
}

/** A literal char in JS unicode-mode syntax. */
function literal(c: string): string {
  return SYNTAX.has(c) ? `\\${c}` : c
}
