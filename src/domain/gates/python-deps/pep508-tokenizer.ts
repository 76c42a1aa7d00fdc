import { SPECIFIER_PATTERN } from './pep440-specifier.ts'

/** Raised for text packaging rejects with InvalidMarker or InvalidRequirement; names the column. */
export class Pep508SyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly source: string,
    readonly position: number,
  ) {
    super(`${reason} at column ${position + 1} of '${source}'`)
    this.name = 'Pep508SyntaxError'
  }
}

/** The token rules of `packaging._tokenizer.DEFAULT_RULES`, as sticky regexes. */
const RULES = {
  LEFT_PARENTHESIS: /\(/y,
  RIGHT_PARENTHESIS: /\)/y,
  LEFT_BRACKET: /\[/y,
  RIGHT_BRACKET: /\]/y,
  SEMICOLON: /;/y,
  COMMA: /,/y,
  QUOTED_STRING: /'[^']*'|"[^"]*"/y,
  OP: /===|==|~=|!=|<=|>=|<|>/y,
  BOOLOP: /\b(?:or|and)\b/y,
  IN: /\bin\b/y,
  NOT: /\bnot\b/y,
  VARIABLE:
    /\b(?:python_version|python_full_version|os[._]name|sys[._]platform|platform_(?:release|system)|platform[._](?:version|machine|python_implementation)|python_implementation|implementation_(?:name|version)|extras?|dependency_groups)\b/y,
  SPECIFIER: new RegExp(SPECIFIER_PATTERN, 'iy'),
  AT: /@/y,
  URL: /[^ \t]+/y,
  IDENTIFIER: /\b[a-zA-Z0-9][a-zA-Z0-9._-]*\b/y,
  VERSION_PREFIX_TRAIL: /\.\*/y,
  VERSION_LOCAL_LABEL_TRAIL: /\+[a-z0-9]+(?:[-_.][a-z0-9]+)*/y,
  WS: /[ \t]+/y,
  // Python's `$` also matches before a final newline.
  END: /(?=\n?$)/y,
} as const

export type TokenName = keyof typeof RULES

/** packaging's context-sensitive tokenizer: `check` a rule at the position, then `read` the token. */
export class PyTokenizer {
  position = 0
  private next: string | undefined

  constructor(readonly source: string) {}

  /** Whether the rule matches here; unless `peek`, the token is held for `read()`. */
  check(name: TokenName, peek = false): boolean {
    if (this.next !== undefined) throw new Error(`BUG: check(${name}) while a token is pending`)
    const rule = RULES[name]
    rule.lastIndex = this.position
    const m = rule.exec(this.source)
    if (!m) return false
    if (!peek) this.next = m[0]
    return true
  }

  consume(name: TokenName): void {
    if (this.check(name)) this.read()
  }

  read(): string {
    const token = this.next
    if (token === undefined) throw new Error('BUG: read() without a successful check()')
    this.position += token.length
    this.next = undefined
    return token
  }

  expect(name: TokenName, expected: string): string {
    if (!this.check(name)) this.fail(`Expected ${expected}`)
    return this.read()
  }

  fail(message: string, position = this.position): never {
    throw new Pep508SyntaxError(message, this.source, position)
  }

  /** Runs `body` inside an optional `open ... close` pair, as packaging's `enclosing_tokens`. */
  enclosing<T>(open: TokenName, close: TokenName, around: string, body: () => T): T {
    const opened = this.check(open) ? this.position : undefined
    if (opened !== undefined) this.read()
    const result = body()
    if (opened === undefined) return result
    if (!this.check(close)) this.fail(`Expected matching ${close} for ${open}, after ${around}`, opened)
    this.read()
    return result
  }
}
