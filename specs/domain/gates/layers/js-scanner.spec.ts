import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { JsScanner, TOKEN } from '../../../../src/domain/gates/layers/js-scanner.ts'

const KIND = Object.fromEntries(Object.entries(TOKEN).map(([name, kind]) => [kind, name])) as Record<number, string>

/** Every token of `src` as `kind:text` (the source text it spans; for strings, templates and specifiers the value). */
function tokens(src: string, jsx = false): string[] {
  const s = new JsScanner(src, { jsx })
  const out: string[] = []
  for (let kind = s.next(); kind !== TOKEN.eof; kind = s.next()) {
    const name = KIND[kind] as string
    if (kind === TOKEN.ident || kind === TOKEN.punct) out.push(`${name}:${s.value}`)
    else if (kind === TOKEN.string || kind === TOKEN.template) out.push(`${name}:${s.literal()}`)
    else out.push(name)
  }
  return out
}

describe('JsScanner', () => {
  test('a hashbang line is a comment; unicode white space is space', () => {
    expect(tokens('#!/usr/bin/env node\nx\u00a0=\u2003y\u3000;')).toEqual(['ident:x', 'punct:=', 'ident:y', 'punct:;'])
    expect(tokens('#!only')).toEqual([])
  })

  test('numbers: decimal, leading dot, exponent with sign, hex (whose e is a digit), bigint, separators', () => {
    expect(tokens('1 .5 1e+5 2E-3 0x1e+5 10n 1_000 a.b')).toEqual([
      'number',
      'number',
      'number',
      'number',
      'number', // 0x1e
      'punct:+',
      'number',
      'number',
      'number',
      'ident:a',
      'punct:.',
      'ident:b',
    ])
  })

  test('punctuators that decide what follows: spread, optional chaining, ?.5, arrows, ++ and --', () => {
    expect(tokens('[...a] a?.b c?.5:d e=>f g++ h-- i+j-k')).toEqual([
      'punct:[',
      'punct:...',
      'ident:a',
      'punct:]',
      'ident:a',
      'punct:?.',
      'ident:b',
      'ident:c',
      'punct:?',
      'number',
      'punct::',
      'ident:d',
      'ident:e',
      'punct:=>',
      'ident:f',
      'ident:g',
      'punct:++',
      'ident:h',
      'punct:--',
      'ident:i',
      'punct:+',
      'ident:j',
      'punct:-',
      'ident:k',
    ])
  })

  test('a slash after an operand divides, after an operator starts a regex', () => {
    const kinds = (src: string) => tokens(src).filter((t) => t === 'regex' || t === 'punct:/')
    expect(kinds('x++ / 2 / 3')).toEqual(['punct:/', 'punct:/'])
    expect(kinds('y = ++ /re/g')).toEqual(['regex'])
    expect(kinds('z! / 2 / 3')).toEqual(['punct:/', 'punct:/'])
    expect(kinds('w = !/re/.test(s)')).toEqual(['regex'])
    expect(kinds("'s' / 2 / 1; `t` / 2 / 1; 4 / 2 / 1; /a/ / 2 / 1")).toEqual([
      'punct:/',
      'punct:/',
      'punct:/',
      'punct:/',
      'punct:/',
      'punct:/',
      'regex',
      'punct:/',
      'punct:/',
    ])
    expect(kinds('a[0] / 2 / 1; (b) / 2 / 1; return /re/; typeof /re/')).toEqual([
      'punct:/',
      'punct:/',
      'punct:/',
      'punct:/',
      'regex',
      'regex',
    ])
    // `}` of a block: a regex may start a statement; `}` of an object: it divides.
    expect(kinds('if (a) {} /re/.test(s)')).toEqual(['regex'])
    expect(kinds('x = {} / 2 / 1')).toEqual(['punct:/', 'punct:/'])
    expect(kinds('while (a) /re/.exec(s)')).toEqual(['regex'])
  })

  test('regular expressions: a slash inside a class, escapes and flags; a slash whose line ends first divides', () => {
    expect(tokens('x = /[/]\\/x/gu; y')).toEqual(['ident:x', 'punct:=', 'regex', 'punct:;', 'ident:y'])
    expect(tokens('x = a\n/ b /\nc')).toEqual([
      'ident:x',
      'punct:=',
      'ident:a',
      'punct:/',
      'ident:b',
      'punct:/',
      'ident:c',
    ])
    expect(tokens('x = /never closed')).toEqual(['ident:x', 'punct:=', 'punct:/', 'ident:never', 'ident:closed'])
    expect(tokens('x = /a\u2028b/')).toContain('punct:/')
  })

  test('strings: escapes applied only through literal(); an escaped CRLF continues; an unterminated one ends at its line', () => {
    expect(tokens(String.raw`'a\'b' "\x41\u0042\u{43}\n\t\0\q"`)).toEqual(["string:a'b", 'string:ABC\n\t\0q'])
    expect(tokens("'one\\\r\ntwo'")).toEqual(['string:onetwo'])
    expect(tokens("'one\\\ntwo' + 'x\\\u2028y'")).toEqual(['string:onetwo', 'punct:+', 'string:xy'])
    expect(tokens("'open\nx")).toEqual(['string:open', 'ident:x'])
    expect(tokens("'open\r\nx")).toEqual(['string:open', 'ident:x'])
    expect(tokens("'open at the end")).toEqual(['string:open at the end'])
  })

  test('templates: whole, with substitutions (nested braces inside), escaped, and unterminated', () => {
    expect(tokens('`plain \\` tick`')).toEqual(['template:plain ` tick'])
    // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source under test
    expect(tokens('`a${ {b: 1}.b }c${d}e`')).toEqual([
      'templatePart',
      'punct:{',
      'ident:b',
      'punct::',
      'number',
      'punct:}',
      'punct:.',
      'ident:b',
      'templatePart',
      'ident:d',
      'templatePart',
    ])
    expect(tokens('`never closed')).toEqual(['template:'])
    // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source under test
    expect(tokens('`a${b}never closed')).toEqual(['templatePart', 'ident:b', 'templatePart'])
  })

  test('comments: line, block, and a block never closed runs to the end', () => {
    expect(tokens('a // b\nc /* d */ e /* never')).toEqual(['ident:a', 'ident:c', 'ident:e'])
  })

  test('private names and member names', () => {
    const s = new JsScanner('this.#x; a?.typeof', { jsx: false })
    const seen: [string, boolean][] = []
    for (let k = s.next(); k !== TOKEN.eof; k = s.next()) if (k === TOKEN.ident) seen.push([s.value, s.afterDot])
    expect(seen).toEqual([
      ['this', false],
      ['#x', true],
      ['a', false],
      ['typeof', true],
    ])
  })

  test('JSX: an element is one operand, its text and attribute strings are not code, braces inside are', () => {
    expect(
      tokens("x = <div a=\"it's\" b='\"' c={y} /* c */ // d\n>text / with 'quotes' {z} <br/> </div>; w", true),
    ).toEqual([
      'ident:x',
      'punct:=',
      // A `}` closing an embedded expression goes back to the JSX: no token of its own.
      'punct:{',
      'ident:y',
      'punct:{',
      'ident:z',
      'jsx',
      'punct:;',
      'ident:w',
    ])
    expect(tokens('f(<></>, <A.B/>, < /x>)', true)).toEqual([
      'ident:f',
      'punct:(',
      'jsx',
      'punct:,',
      'jsx',
      'punct:,',
      'punct:<',
      'punct:/',
      'ident:x',
      'punct:>',
      'punct:)',
    ])
    expect(tokens('x = <a><b>{1}</b>tail</ a>', true)).toEqual(['ident:x', 'punct:=', 'punct:{', 'number', 'jsx'])
    // Never closed: not JSX after all, read again as code.
    expect(tokens('x = <a b="never closed', true)).toEqual([
      'ident:x',
      'punct:=',
      'punct:<',
      'ident:a',
      'ident:b',
      'punct:=',
      'string:never closed',
    ])
  })

  test('JSX: generics of arrow functions are not elements', () => {
    expect(tokens('f = <T,>(x: T) => x', true).slice(2, 5)).toEqual(['punct:<', 'ident:T', 'punct:,'])
    expect(tokens('f = <T extends U>(x: T) => x', true).slice(2, 5)).toEqual(['punct:<', 'ident:T', 'ident:extends'])
    expect(tokens('a = b <c', true)).toEqual(['ident:a', 'punct:=', 'ident:b', 'punct:<', 'ident:c'])
  })

  test('an element still open at the end of the file was a comparison: the scan rewinds, and says where', () => {
    const rewound: number[] = []
    const s = new JsScanner("if (a <b) { c = 'x' }", { jsx: true, onRewind: (at) => rewound.push(at) })
    const out: string[] = []
    for (let k = s.next(); k !== TOKEN.eof; k = s.next()) out.push(`${KIND[k]}:${s.value}`)
    expect(out).toEqual([
      'ident:if',
      'punct:(',
      'ident:a',
      'punct:<',
      'ident:b',
      'punct:)',
      'punct:{',
      'ident:c',
      'punct:=',
      'string:x',
      'punct:}',
    ])
    // `a <b` after `(`: a `<` where an expression may start is tried as JSX first.
    expect(rewound.length).toBeLessThanOrEqual(1)
  })

  test('property: any text is scanned to its end without looping, tokens in order and inside the text', () => {
    const piece = fc.constantFrom(
      'a',
      ' ',
      '\n',
      '/',
      '*',
      '<',
      '>',
      '{',
      '}',
      '(',
      ')',
      "'",
      '"',
      '`',
      '$',
      '\\',
      '.',
      '1',
      '#',
      '!',
      '=',
      '+',
      'if',
      'return',
      'x',
    )
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 40 }).map((p) => p.join('')),
        fc.boolean(),
        (src, jsx) => {
          const s = new JsScanner(src, { jsx })
          let last = -1
          let steps = 0
          for (let k = s.next(); k !== TOKEN.eof; k = s.next()) {
            expect(s.start).toBeGreaterThanOrEqual(0)
            expect(s.start).toBeLessThan(src.length)
            // Rewinds may go back, but never more often than there are `<` in the text.
            if (s.start <= last) expect(src.includes('<')).toBe(true)
            last = s.start
            steps++
            expect(steps).toBeLessThan(src.length * 4 + 8)
          }
        },
      ),
      { numRuns: 2000 },
    )
  })
})
