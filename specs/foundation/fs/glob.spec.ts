import { describe, expect, test } from 'vitest'
import { globMatcher, globToRegExp } from '../../../src/foundation/fs/glob.ts'

describe('globToRegExp()', () => {
  test.each([
    ['*.md', 'README.md', true],
    ['*.md', 'docs/a/README.md', true],
    ['docs/*.md', 'docs/a.md', true],
    ['docs/*.md', 'docs/x/a.md', false],
    ['docs/**/*.md', 'docs/a.md', true],
    ['docs/**/*.md', 'docs/x/y/a.md', true],
    ['specs/fixtures/**', 'specs/fixtures/gates/a.txt', true],
    ['specs/fixtures/**', 'specs/fixture.txt', false],
    ['reports/', 'reports/bench/x.json', true],
    ['*.{png,jpg}', 'a/b.jpg', true],
    ['file?.txt', 'file1.txt', true],
    ['file?.txt', 'file10.txt', false],
    ['[ab].txt', 'b.txt', true],
    ['[!ab].txt', 'b.txt', false],
    ['.env.example', 'app/.env.example', true],
    ['a+b.txt', 'a+b.txt', true],
    ['a+b.txt', 'aab.txt', false],
    ['./docs/*.md', 'docs/a.md', true],
    ['./docs/*.md', 'x/docs/a.md', false],
    ['[ab.txt', '[ab.txt', true],
    ['[ab.txt', 'a.txt', false],
  ])('%s matches %s: %s', (glob, path, expected) => {
    expect(globToRegExp(glob).test(path)).toBe(expected)
  })

  test('globMatcher() is true when any glob matches, false for none', () => {
    expect(globMatcher([])('a')).toBe(false)
    expect(globMatcher(['x/**', '*.bak'])('a/b.bak')).toBe(true)
  })
})
