import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { escapeGlob, ruffGlob } from '../../../../src/domain/gates/python-lint/ruff-glob.ts'

describe('ruffGlob()', () => {
  // Cases from globset's documented behaviour with default options (literal_separator off).
  test.each([
    ['*.py', 'a.py', true],
    ['*.py', '/repo/pkg/a.py', true], // `*` crosses `/`
    ['/src/*.py', '/src/x/y.py', true],
    ['/src/?.py', '/src/a.py', true],
    ['**/foo', 'foo', true],
    ['**/foo', '/a/b/foo', true],
    ['**/foo', '/a/foo/bar', false],
    ['/a/**/b', '/a/b', true],
    ['/a/**/b', '/a/x/y/b', true],
    ['/a/**', '/a/x/y', true],
    ['/a/**', '/a', false],
    ['**/{tests,docs}/*', '/pkg/tests/t.py', true],
    ['**/{tests,docs}/*', '/pkg/src/t.py', false],
    ['[ab].py', 'b.py', true],
    ['[!ab].py', 'b.py', false],
    ['[^ab].py', 'c.py', true],
    ['[]].py', '].py', true],
    ['\\*.py', '*.py', true],
    ['\\*.py', 'a.py', false],
    ['a+b(c).py', 'a+b(c).py', true],
    ['__init__.py', '__init__.py', true],
    ['<filename>', '<filename>', true],
  ])('%s matches %s: %s', (glob, path, expected) => {
    expect(ruffGlob(glob).test(path)).toBe(expected)
  })

  test('an unclosed `{` is an error, as in globset', () => {
    expect(() => ruffGlob('{a,b')).toThrow(/unclosed/)
  })
})

describe('escapeGlob()', () => {
  test('an escaped path matches itself and nothing else of the same length', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', '*', '?', '[', ']', '{', '}', ',', '\\', '/', '.') }),
        (path) => {
          const glob = ruffGlob(escapeGlob(path))
          expect(glob.test(path)).toBe(true)
          const other = path.replace(/./, (c) => (c === 'a' ? 'b' : 'a'))
          if (other !== path) expect(glob.test(other)).toBe(false)
        },
      ),
    )
  })
})
