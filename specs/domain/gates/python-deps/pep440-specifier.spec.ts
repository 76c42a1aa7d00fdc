import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  filterVersions,
  formatSpecifierSet,
  InvalidSpecifierError,
  parseSpecifierSet,
  setContains,
} from '../../../../src/domain/gates/python-deps/pep440-specifier.ts'
import { answerLocally, disagreements, referenceCases } from './_packaging-oracle.ts'
import { clauseText, itemsFor, specifierSetText } from './_pep440-arbitraries.ts'

const SEED = Number(process.env.PEP440_SEED ?? Date.now() % 2 ** 31)
const contains = (spec: string, version: string, prereleases?: boolean) =>
  setContains(parseSpecifierSet(spec), version, { prereleases })

describe('parseSpecifierSet()', () => {
  test('keeps each clause as written and prints the set as packaging does', () => {
    const set = parseSpecifierSet(' >= 1.0 , <2,!=1.5.*,>=1.0.0')
    expect(set.specifiers).toEqual([
      { operator: '>=', version: '1.0' },
      { operator: '<', version: '2' },
      { operator: '!=', version: '1.5.*' },
      { operator: '>=', version: '1.0.0' },
    ])
    expect(formatSpecifierSet(set)).toBe('!=1.5.*,<2,>=1.0')
    expect(parseSpecifierSet('').specifiers).toEqual([])
  })

  test.each(['>=1.0.*', '<1.0+local', '~=1', '=1.0', '==', '>=1.0 <2', '== 1.0a1.*'])('%j is invalid', (text) => {
    expect(() => parseSpecifierSet(text)).toThrow(InvalidSpecifierError)
  })
})

describe('setContains()', () => {
  test.each([
    ['==1.0', '1.0.0', true],
    ['==1.0', '1.0+cu121', true],
    ['==1.0+cpu', '1.0+cu121', false],
    ['==1.2.*', '1.2.7.post1', true],
    ['==1.2.*', '1.20', false],
    ['!=1.2.*', '1.3', true],
    ['~=1.4.5', '1.4.9', true],
    ['~=1.4.5', '1.5.0', false],
    ['~=1.4', '1.9', true],
    ['<2.0', '2.0a1', false],
    ['<2.0a2', '2.0a1', true],
    ['>1.0', '1.0.post1', false],
    ['>1.0', '1.0+local', false],
    ['>1.0.post1', '1.0.post2', true],
    ['<=1.0', '1.0+local', true],
    ['===1.0', '1.0', true],
    ['===1.0', '1.0.0', false],
    ['===foobar', 'FooBar', true],
    ['>=1.0', 'not-a-version', false],
    ['', 'anything', true],
  ])('%s contains %s: %s', (spec, version, expected) => {
    expect(contains(spec, version)).toBe(expected)
  })

  test('a lone pre-release is in by default, out when pre-releases are off', () => {
    expect(contains('>=1.0', '2.0b1')).toBe(true)
    expect(contains('>=1.0', '2.0b1', false)).toBe(false)
    expect(setContains(parseSpecifierSet('>=1.0', false), '2.0b1')).toBe(false)
    expect(setContains(parseSpecifierSet('>=1.0', false), '2.0b1', { installed: true })).toBe(true)
  })

  test('~= ignores suffixes as packaging does: ~=1.4.5c1 is ~=1.4.5 but ~=1.4.5rc1 is ~=1.4', () => {
    expect(contains('~=1.4.5rc1', '1.4.6')).toBe(true)
    expect(contains('~=1.4.5c1', '1.4.6')).toBe(false)
  })
})

describe('filterVersions()', () => {
  test('drops pre-releases when a final release matches, keeps them when none does', () => {
    expect(filterVersions(parseSpecifierSet('>=1.0'), ['0.9', '1.0', '1.1a1', '1.2'])).toEqual(['1.0', '1.2'])
    expect(filterVersions(parseSpecifierSet('>=1.0'), ['0.9', '1.1a1'])).toEqual(['1.1a1'])
    expect(filterVersions(parseSpecifierSet('>=1.1a1'), ['1.0', '1.1a1', '1.2'])).toEqual(['1.1a1', '1.2'])
    expect(filterVersions(parseSpecifierSet('>=1.0'), ['1.1a1', '1.2'], true)).toEqual(['1.1a1', '1.2'])
  })
})

describe('packaging.specifiers agreement', () => {
  test('the committed reference table', () => {
    const cases = referenceCases('specifier')
    expect(cases.length).toBeGreaterThan(100)
    for (const { query, answer } of cases) expect(answerLocally(query), JSON.stringify(query)).toEqual(answer)
  })

  test("random specifier sets and versions against python3's packaging (PEP440_SEED replays a run)", (ctx) => {
    const queries = fc
      .sample(fc.tuple(fc.oneof(specifierSetText, clauseText), itemsFor), { numRuns: 2000, seed: SEED })
      .map(([text, items]) => ({ kind: 'specifier' as const, text, items }))
    const result = disagreements(queries)
    if ('skip' in result) return ctx.skip(result.skip)
    expect(result.diffs, `packaging ${result.packaging}, PEP440_SEED=${SEED}`).toEqual([])
  })
})
