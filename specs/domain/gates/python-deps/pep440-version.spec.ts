import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  compareVersions,
  formatVersion,
  isPrerelease,
  normalizeVersion,
  parseVersion,
  publicVersion,
} from '../../../../src/domain/gates/python-deps/pep440-version.ts'
import { answerLocally, disagreements, referenceCases } from './_packaging-oracle.ts'
import { itemVersion, versionOrJunk, versionText } from './_pep440-arbitraries.ts'

const SEED = Number(process.env.PEP440_SEED ?? Date.now() % 2 ** 31)

describe('parseVersion()', () => {
  test.each([
    ['1.0', '1.0'],
    ['v1.0', '1.0'],
    ['1.0-RC.1', '1.0rc1'],
    ['1.0alpha2', '1.0a2'],
    ['1.0c1', '1.0rc1'],
    ['1.0.preview-3', '1.0rc3'],
    ['1.0-1', '1.0.post1'],
    ['1.0.r', '1.0.post0'],
    ['1.0rev_2', '1.0.post2'],
    ['1.0-dev', '1.0.dev0'],
    ['1!2.0', '1!2.0'],
    ['0!2.0', '2.0'],
    ['1.0+UBUNTU-1.007', '1.0+ubuntu.1.7'],
    ['  1.0.0\n', '1.0.0'],
    ['01.002', '1.2'],
    ['1.0.99999999999999999999', '1.0.99999999999999999999'],
  ])('%j normalises to %s', (text, normal) => {
    expect(normalizeVersion(text)).toBe(normal)
  })

  test.each(['', '1.', '.1', '1..0', '1.0+', '1.0.x', 'latest', '1.0a1a', '1 .0', '1.0-', '1.0.*', '1.0+a..b'])(
    '%j is not a version',
    (text) => {
      expect(parseVersion(text)).toBeUndefined()
    },
  )

  test('pre-release and public parts', () => {
    expect(isPrerelease(parseVersion('1.0.post1.dev0')!)).toBe(true)
    expect(isPrerelease(parseVersion('1.0.post1')!)).toBe(false)
    expect(formatVersion(publicVersion(parseVersion('2.1.0+cu121')!))).toBe('2.1.0')
  })

  test('normalising twice changes nothing, and the normal form compares equal', () => {
    fc.assert(
      fc.property(versionText, (text) => {
        const v = parseVersion(text)
        if (!v) return
        const again = parseVersion(formatVersion(v))!
        expect(formatVersion(again)).toBe(formatVersion(v))
        expect(compareVersions(v, again)).toBe(0)
      }),
    )
  })
})

describe('compareVersions()', () => {
  // The example ordering of PEP 440's "Summary of permitted suffixes and relative ordering".
  const ORDERED = [
    '1.dev0',
    '1.0.dev456',
    '1.0a1',
    '1.0a2.dev456',
    '1.0a12.dev456',
    '1.0a12',
    '1.0b1.dev456',
    '1.0b2',
    '1.0b2.post345.dev456',
    '1.0b2.post345',
    '1.0rc1.dev456',
    '1.0rc1',
    '1.0',
    '1.0+abc.5',
    '1.0+abc.7',
    '1.0+5',
    '1.0.post456.dev34',
    '1.0.post456',
    '1.0.15',
    '1.1.dev1',
    '1!0.1',
  ]

  test("sorts PEP 440's example list into its order", () => {
    const shuffled = [...ORDERED].reverse()
    shuffled.sort((a, b) => compareVersions(parseVersion(a)!, parseVersion(b)!))
    expect(shuffled).toEqual(ORDERED)
  })

  test('is a total order: antisymmetric and transitive', () => {
    fc.assert(
      fc.property(itemVersion, itemVersion, itemVersion, (a, b, c) => {
        const x = parseVersion(a)!
        const y = parseVersion(b)!
        const z = parseVersion(c)!
        expect(compareVersions(x, y)).toBe(-compareVersions(y, x) || 0)
        if (compareVersions(x, y) <= 0 && compareVersions(y, z) <= 0)
          expect(compareVersions(x, z)).toBeLessThanOrEqual(0)
      }),
    )
  })
})

describe('packaging.version agreement', () => {
  test.each(['version', 'compare'] as const)('the committed reference table (%s queries)', (kind) => {
    const cases = referenceCases(kind)
    expect(cases.length).toBeGreaterThan(50)
    for (const { query, answer } of cases) expect(answerLocally(query), JSON.stringify(query)).toEqual(answer)
  })

  test("random versions and pairs against python3's packaging (PEP440_SEED replays a run)", (ctx) => {
    const queries = [
      ...fc.sample(versionOrJunk, { numRuns: 1500, seed: SEED }).map((text) => ({ kind: 'version' as const, text })),
      ...fc
        .sample(fc.tuple(itemVersion, itemVersion), { numRuns: 1500, seed: SEED + 1 })
        .map(([a, b]) => ({ kind: 'compare' as const, a, b })),
    ]
    const result = disagreements(queries)
    if ('skip' in result) return ctx.skip(result.skip)
    expect(result.diffs, `packaging ${result.packaging}, PEP440_SEED=${SEED}`).toEqual([])
  })
})
