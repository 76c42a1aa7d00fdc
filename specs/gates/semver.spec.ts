import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  compareVersions,
  formatVersion,
  parseRange,
  parseVersion,
  type SemVer,
  satisfies,
} from '../../src/gates/semver.ts'

const versionArb: fc.Arbitrary<SemVer> = fc.record({
  major: fc.nat(5),
  minor: fc.nat(5),
  patch: fc.nat(5),
  prerelease: fc.oneof(
    { weight: 3, arbitrary: fc.constant([] as (string | number)[]) },
    {
      weight: 1,
      arbitrary: fc.array(fc.oneof(fc.nat(3), fc.constantFrom('alpha', 'beta', 'rc')), { minLength: 1, maxLength: 2 }),
    },
  ),
})
const releaseArb = versionArb.map((v) => ({ ...v, prerelease: [] }))
const cmp = (a: SemVer, b: SemVer) => compareVersions(a, b)

describe('parseVersion() / compareVersions()', () => {
  test('parses and formats round-trip', () => {
    fc.assert(
      fc.property(versionArb, (v) => {
        expect(parseVersion(formatVersion(v))).toEqual(v)
      }),
    )
    expect(parseVersion('v1.2.3+build.5')).toEqual({ major: 1, minor: 2, patch: 3, prerelease: [] })
    expect(parseVersion('1.2')).toBeUndefined()
    expect(parseVersion('01.2.3')).toBeUndefined()
  })

  test('is a total order: antisymmetric and transitive', () => {
    fc.assert(
      fc.property(versionArb, versionArb, versionArb, (a, b, c) => {
        expect(cmp(a, b)).toBe(-cmp(b, a) || 0)
        if (cmp(a, b) <= 0 && cmp(b, c) <= 0) expect(cmp(a, c)).toBeLessThanOrEqual(0)
      }),
    )
  })

  test('follows the semver.org precedence example', () => {
    const order = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
    ]
    const parsed = order.map((v) => parseVersion(v) as SemVer)
    for (let i = 1; i < parsed.length; i++) expect(cmp(parsed[i - 1] as SemVer, parsed[i] as SemVer)).toBe(-1)
  })
})

describe('satisfies()', () => {
  test.each([
    ['1.2.3', '^1.2.0', true],
    ['2.0.0', '^1.2.0', false],
    ['0.2.5', '^0.2.3', true],
    ['0.3.0', '^0.2.3', false],
    ['0.0.4', '^0.0.3', false],
    ['1.2.9', '~1.2.3', true],
    ['1.3.0', '~1.2.3', false],
    ['1.9.9', '1.x', true],
    ['2.0.0', '1', false],
    ['3.0.0', '*', true],
    ['3.0.0-beta', '*', false],
    ['1.2.3-beta.2', '^1.2.3-beta.1', true],
    ['1.2.4-beta.2', '^1.2.3-beta.1', false],
    ['1.5.0', '1.2.3 - 2.3', true],
    ['2.4.0', '1.2.3 - 2.3', false],
    ['1.0.0', '<1.0.0 || >=2', false],
    ['2.1.0', '<1.0.0 || >=2', true],
    ['20.20.2', '>=20.19.0 <21 || >=22.12.0', true],
    ['21.5.0', '>=20.19.0 <21 || >=22.12.0', false],
    ['1.2.3', '>= 1.2.3', true],
    ['1.2.0', '>1.1', true],
    ['1.1.9', '>1.1', false],
    ['1.1.9', '<=1.1', true],
    ['v1.0.0', '=1.0.0', true],
  ])('%s satisfies %s: %s', (version, range, expected) => {
    expect(satisfies(version, range)).toBe(expected)
  })

  test('tags, URLs and git specs are not ranges', () => {
    for (const spec of ['latest', 'next', 'https://x.org/a.tgz', 'git+https://x.org/r.git', 'user/repo', 'file:../x']) {
      expect(parseRange(spec)).toBeUndefined()
    }
  })

  test('^X.Y.Z means >=X.Y.Z and the same leftmost non-zero part (releases)', () => {
    fc.assert(
      fc.property(releaseArb, releaseArb, (base, v) => {
        const sameLeft =
          base.major > 0
            ? v.major === base.major
            : base.minor > 0
              ? v.major === 0 && v.minor === base.minor
              : v.major === 0 && v.minor === 0 && v.patch === base.patch
        expect(satisfies(v, `^${formatVersion(base)}`)).toBe(cmp(v, base) >= 0 && sameLeft)
      }),
    )
  })

  test('~X.Y.Z means >=X.Y.Z and the same major.minor (releases)', () => {
    fc.assert(
      fc.property(releaseArb, releaseArb, (base, v) => {
        const expected = cmp(v, base) >= 0 && v.major === base.major && v.minor === base.minor
        expect(satisfies(v, `~${formatVersion(base)}`)).toBe(expected)
      }),
    )
  })

  test('A || B is the union; A B (space) the intersection', () => {
    fc.assert(
      fc.property(releaseArb, releaseArb, releaseArb, (a, b, v) => {
        const ra = `>=${formatVersion(a)}`
        const rb = `<${formatVersion(b)}`
        expect(satisfies(v, `${ra} || ${rb}`)).toBe(satisfies(v, ra) || satisfies(v, rb))
        expect(satisfies(v, `${ra} ${rb}`)).toBe(satisfies(v, ra) && satisfies(v, rb))
      }),
    )
  })

  test('a prerelease matches only through a comparator on the same major.minor.patch', () => {
    fc.assert(
      fc.property(versionArb, releaseArb, (v, base) => {
        fc.pre(v.prerelease.length > 0)
        const sameTuple = v.major === base.major && v.minor === base.minor && v.patch === base.patch
        if (!sameTuple) expect(satisfies(v, `>=${formatVersion(base)}`)).toBe(false)
      }),
    )
  })
})
