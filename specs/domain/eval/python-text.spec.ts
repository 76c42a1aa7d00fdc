import { describe, expect, test } from 'vitest'
import { pyRstrip, pySplit, pyStrip } from '../../../src/domain/eval/python-text.ts'

describe('Python whitespace helpers', () => {
  test('split/strip on str.isspace() characters, not JS \\s', () => {
    expect(pySplit(' a\tb\u001cc\u0085d\u00a0e ')).toEqual(['a', 'b', 'c', 'd', 'e'])
    expect(pySplit('a\ufeffb')).toEqual(['a\ufeffb']) // U+FEFF is \s in JS, not whitespace in Python
    expect(pySplit('')).toEqual([])
    expect(pyStrip('\u3000 x \u2028')).toBe('x')
    expect(pyRstrip(' x \r\n')).toBe(' x')
  })
})
