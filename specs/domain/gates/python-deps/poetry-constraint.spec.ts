import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { parseSpecifierSet, setContains } from '../../../../src/domain/gates/python-deps/pep440-specifier.ts'
import { PoetryConstraintError, poetryToPep440 } from '../../../../src/domain/gates/python-deps/poetry-constraint.ts'

describe('poetryToPep440()', () => {
  // The tables of Poetry's docs/versions.md, plus the forms poetry-core parses.
  test.each([
    ['^1.2.3', ['>=1.2.3,<2.0.0']],
    ['^1.2', ['>=1.2,<2.0.0']],
    ['^1', ['>=1,<2.0.0']],
    ['^0.2.3', ['>=0.2.3,<0.3.0']],
    ['^0.0.3', ['>=0.0.3,<0.0.4']],
    ['^0.0', ['>=0.0,<0.1.0']],
    ['^0', ['>=0,<1.0.0']],
    ['~1.2.3', ['>=1.2.3,<1.3.0']],
    ['~1.2', ['>=1.2,<1.3.0']],
    ['~1', ['>=1,<2.0.0']],
    ['~=1.2', ['~=1.2']],
    ['*', ['']],
    ['', ['']],
    ['1.*', ['==1.*']],
    ['1.2.*', ['==1.2.*']],
    ['1.2.x', ['==1.2.*']],
    ['!=1.2.*', ['!=1.2.*']],
    ['1.2.3', ['==1.2.3']],
    ['=1.2.3', ['==1.2.3']],
    ['==2.5.8', ['==2.5.8']],
    ['>= 1.2, < 1.5', ['>=1.2,<1.5']],
    ['>=1.2 <2', ['>=1.2,<2']],
    ['^1.2 || ^2.0', ['>=1.2,<2.0.0', '>=2.0,<3.0.0']],
    ['>=2.1|<1.0', ['>=2.1', '<1.0']],
    ['^2.1.0rc1', ['>=2.1.0rc1,<3.0.0']],
  ])('%j → %j', (poetry, pep440) => {
    expect(poetryToPep440(poetry)).toEqual(pep440)
  })

  test.each(['^', '~x', '>=1.2<2', 'latest', '^1.2; junk'])('%j is not a Poetry constraint', (text) => {
    expect(() => poetryToPep440(text)).toThrow(PoetryConstraintError)
  })

  test('a caret range holds its own version and excludes the next breaking one', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 3 }), (parts) => {
        const version = parts.join('.')
        const [range] = poetryToPep440(`^${version}`).map((s) => parseSpecifierSet(s))
        expect(setContains(range!, version)).toBe(true)
        const i = parts.findIndex((p, k) => p > 0 || k === parts.length - 1)
        const breaking = parts.map((p, k) => (k < i ? p : k === i ? p + 1 : 0)).join('.')
        expect(setContains(range!, breaking)).toBe(false)
      }),
    )
  })
})
