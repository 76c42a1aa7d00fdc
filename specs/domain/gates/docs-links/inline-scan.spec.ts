import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  angleSpans,
  blankCodeSpans,
  blankComments,
  codeSpanRanges,
  inlineDestination,
  MAX_PAREN_DEPTH,
  matchBrackets,
} from '../../../../src/domain/gates/docs-links/inline-scan.ts'

describe('matchBrackets()', () => {
  test('pairs nested brackets, skips escaped ones, leaves unmatched at -1', () => {
    const line = '[a [b] \\[c\\] d] [e'
    const match = matchBrackets(line)
    expect(match[0]).toBe(14)
    expect(match[3]).toBe(5)
    expect(match[16]).toBe(-1)
    expect(match[8]).toBe(-1) // the escaped `[` is not an opener
  })

  test('agrees with a forward depth count from every opener (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('[', ']', 'a', '\\'), { maxLength: 40 }), (pieces) => {
        const line = pieces.join('')
        const match = matchBrackets(line)
        for (let i = 0; i < line.length; i++) {
          if (line[i] === '\\') {
            i++
            continue
          }
          if (line[i] !== '[') continue
          let depth = 0
          let expected = -1
          for (let j = i; j < line.length; j++) {
            if (line[j] === '\\') {
              j++
              continue
            }
            if (line[j] === '[') depth++
            else if (line[j] === ']' && --depth === 0) {
              expected = j
              break
            }
          }
          expect(match[i]).toBe(expected)
        }
      }),
      { numRuns: 500 },
    )
  })
})

describe('codeSpanRanges() and blankCodeSpans()', () => {
  test('a run of n backticks is closed by the next run of exactly n (CommonMark)', () => {
    expect(codeSpanRanges('a `b` c')).toEqual([[2, 5]])
    expect(codeSpanRanges('``a ` b`` c')).toEqual([[0, 9]])
    expect(codeSpanRanges('``a`')).toEqual([]) // no closer of length 2; the lone ` after has none either
    expect(codeSpanRanges('\\`a` `b`')).toEqual([[3, 6]]) // the escaped one is literal: the span is ` `
    expect(blankCodeSpans('see `[x](y.md)` and [z](w.md)')).toBe('see             and [z](w.md)')
  })

  test('keeps the length, keeps everything outside spans, blanks spans to spaces (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('`', '``', 'a', ' ', '[', '\\'), { maxLength: 40 }), (pieces) => {
        const line = pieces.join('')
        const out = blankCodeSpans(line)
        expect(out.length).toBe(line.length)
        const inSpan = new Array<boolean>(line.length).fill(false)
        for (const [s, e] of codeSpanRanges(line)) for (let i = s; i < e; i++) inSpan[i] = true
        for (let i = 0; i < line.length; i++) expect(out[i]).toBe(inSpan[i] ? ' ' : line[i])
      }),
      { numRuns: 500 },
    )
  })
})

describe('blankComments()', () => {
  test('blanks closed comments and reports one left open', () => {
    expect(blankComments('a <!-- b --> c')).toEqual({ line: 'a            c', open: false })
    expect(blankComments('a <!-- b')).toEqual({ line: 'a ', open: true })
  })
})

describe('angleSpans()', () => {
  test('non-overlapping <…> pieces, the last < before each >, and a tag left open at the line end', () => {
    expect(angleSpans('<a<b href="x"> <https://x.org> < <img src="y"')).toEqual([
      '<b href="x">',
      '<https://x.org>',
      '<img src="y"',
    ])
  })
})

describe('inlineDestination()', () => {
  test('bare and <…> destinations, balanced parentheses, titles', () => {
    expect(inlineDestination('(a.md "t")', 0)).toBe('a.md')
    expect(inlineDestination('(<with space.md>)', 0)).toBe('with space.md')
    expect(inlineDestination('(e_(1).md)', 0)).toBe('e_(1).md')
    expect(inlineDestination('(<a<b>)', 0)).toBeUndefined()
    expect(inlineDestination('(no-close', 0)).toBeUndefined()
  })

  test(`gives up past ${MAX_PAREN_DEPTH} nested parentheses (CommonMark allows the cap)`, () => {
    const deep = (n: number) => `(${'('.repeat(n)}x${')'.repeat(n)})`
    expect(inlineDestination(deep(MAX_PAREN_DEPTH), 0)).toBe(
      `${'('.repeat(MAX_PAREN_DEPTH)}x${')'.repeat(MAX_PAREN_DEPTH)}`,
    )
    expect(inlineDestination(deep(MAX_PAREN_DEPTH + 1), 0)).toBeUndefined()
  })
})
