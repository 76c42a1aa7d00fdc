import { describe, expect, test } from 'vitest'
import { tokenize13a } from '../../../src/domain/eval/tokenize-13a.ts'

describe('tokenize13a()', () => {
  test('spaces out punctuation and symbols, keeps apostrophes', () => {
    expect(tokenize13a('Hello, world!')).toBe('Hello , world !')
    expect(tokenize13a("It wasn't (really) so.")).toBe("It wasn't ( really ) so .")
    expect(tokenize13a('x/y {z} [w] ~`')).toBe('x / y { z } [ w ] ~ `')
  })

  test('periods and commas stay inside numbers; a dash after a digit is split', () => {
    expect(tokenize13a('pi is 3.14, or 1,000-2 times.')).toBe('pi is 3.14 , or 1,000 - 2 times .')
    expect(tokenize13a('1.5. 2,')).toBe('1.5 . 2 ,')
    expect(tokenize13a('well-known')).toBe('well-known')
  })

  test('unescapes the four HTML entities, drops <skipped>, joins lines', () => {
    expect(tokenize13a('a &amp; b &lt;c&gt; &quot;q&quot;')).toBe('a & b < c > " q "')
    expect(tokenize13a('<skipped>word')).toBe('word')
    expect(tokenize13a('hy-\nphen\nnext')).toBe('hyphen next')
  })

  test('collapses Python whitespace (U+00A0, U+3000) but not U+FEFF', () => {
    expect(tokenize13a('a\u00a0\u3000b')).toBe('a b')
    expect(tokenize13a('a\ufeffb')).toBe('a\ufeffb')
    expect(tokenize13a('   ')).toBe('')
  })
})
