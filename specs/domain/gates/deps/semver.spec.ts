// npm's `semver` (the library the deps and toolchain gates use through src/domain/gates/deps/semver.ts)
// held to the assertions the hand-written implementation it replaced had to meet, including the
// reference model of npm ranges below: the gates rely on exactly this behaviour.
import fc from 'fast-check'
import { clean, compare, parse, Range, validRange } from 'semver'
import { describe, expect, test } from 'vitest'
import { isRange, majorOf, satisfies } from '../../../../src/domain/gates/deps/semver.ts'

interface SemVer {
  major: number
  minor: number
  patch: number
  prerelease: (string | number)[]
}

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
const formatVersion = (v: SemVer) =>
  `${v.major}.${v.minor}.${v.patch}${v.prerelease.length ? `-${v.prerelease.join('.')}` : ''}`
const parseVersion = (text: string): SemVer | undefined => {
  const v = parse(text)
  return v ? { major: v.major, minor: v.minor, patch: v.patch, prerelease: [...v.prerelease] } : undefined
}
const cmp = (a: SemVer, b: SemVer) => compare(formatVersion(a), formatVersion(b))
/** A range as the comparator sets semver reads it into, e.g. [['>=1.2.3-rc.1', '<=1.2.3']]. */
const comparators = (text: string) => new Range(text).set.map((set) => set.map((c) => c.value))

describe('parse() / compare()', () => {
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
      expect(isRange(spec)).toBe(false)
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
        expect(satisfies(formatVersion(v), `^${formatVersion(base)}`)).toBe(cmp(v, base) >= 0 && sameLeft)
      }),
    )
  })

  test('~X.Y.Z means >=X.Y.Z and the same major.minor (releases)', () => {
    fc.assert(
      fc.property(releaseArb, releaseArb, (base, v) => {
        const expected = cmp(v, base) >= 0 && v.major === base.major && v.minor === base.minor
        expect(satisfies(formatVersion(v), `~${formatVersion(base)}`)).toBe(expected)
      }),
    )
  })

  test('A || B is the union; A B (space) the intersection', () => {
    fc.assert(
      fc.property(releaseArb, releaseArb, releaseArb, (a, b, v) => {
        const ra = `>=${formatVersion(a)}`
        const rb = `<${formatVersion(b)}`
        expect(satisfies(formatVersion(v), `${ra} || ${rb}`)).toBe(
          satisfies(formatVersion(v), ra) || satisfies(formatVersion(v), rb),
        )
        expect(satisfies(formatVersion(v), `${ra} ${rb}`)).toBe(
          satisfies(formatVersion(v), ra) && satisfies(formatVersion(v), rb),
        )
      }),
    )
  })

  test('a prerelease matches only through a comparator on the same major.minor.patch', () => {
    fc.assert(
      fc.property(versionArb, releaseArb, (v, base) => {
        fc.pre(v.prerelease.length > 0)
        const sameTuple = v.major === base.major && v.minor === base.minor && v.patch === base.patch
        if (!sameTuple) expect(satisfies(formatVersion(v), `>=${formatVersion(base)}`)).toBe(false)
      }),
    )
  })
})

// --- A reference model for x-ranges, written from the npm docs rather than from semver's code ---
// A partial version (`1`, `1.2`, `1.2.3`, `*`) stands for the releases sharing its prefix, and
// operators compare a release's prefix of the same length: `>1.2` is "minor tuple above 1.2",
// `<=1` is "major at most 1". `~` keeps the first two given parts, `^` everything up to the
// first non-zero given part (or the last given part when all are zero).
type Tuple = [number, number, number]
interface RefPartial {
  parts: number[] // 0..3 given parts
  text: string
}

const prefixCmp = (v: Tuple, parts: number[]) => {
  for (let i = 0; i < parts.length; i++) if (v[i] !== parts[i]) return (v[i] as number) < (parts[i] as number) ? -1 : 1
  return 0
}
const samePrefix = (v: Tuple, parts: number[], n: number) => prefixCmp(v, parts.slice(0, n)) === 0

function refComparator(op: string, p: RefPartial, v: Tuple): boolean {
  const c = prefixCmp(v, p.parts)
  const k = p.parts.length
  if (k === 0) return !(op === '<' || op === '>')
  switch (op) {
    case '<':
      return c < 0
    case '<=':
      return c <= 0
    case '>':
      return c > 0
    case '>=':
      return c >= 0
    case '~':
    case '~>':
      return c >= 0 && samePrefix(v, p.parts, Math.min(k, 2))
    case '^': {
      const firstNonZero = p.parts.findIndex((n) => n !== 0)
      return c >= 0 && samePrefix(v, p.parts, (firstNonZero === -1 ? k - 1 : firstNonZero) + 1)
    }
    default:
      return c === 0
  }
}

const partialArb: fc.Arbitrary<RefPartial> = fc
  .tuple(fc.array(fc.nat(2), { maxLength: 3 }), fc.constantFrom('', '.x', '.X', '.*'), fc.boolean())
  .map(([parts, wild, v]) => {
    // `1.x` and `1` name the same releases; `*`, `x` and `X` stand alone for "no parts".
    const given = parts.join('.')
    const text = parts.length === 0 ? (wild === '' ? '*' : wild.slice(1)) : parts.length < 3 ? given + wild : given
    return { parts, text: v && parts.length > 0 ? `v${text}` : text }
  })
const opArb = fc.constantFrom('', '=', '<', '<=', '>', '>=', '~', '~>', '^')
const comparatorArb = fc.record({ op: opArb, p: partialArb, space: fc.boolean() })
type RefComparator = { op: string; p: RefPartial; space: boolean }
const compText = (c: RefComparator) => `${c.op}${c.op && c.space ? ' ' : ''}${c.p.text}`

const rangeArb = fc.oneof(
  fc.array(fc.array(comparatorArb, { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 3 }).map((sets) => ({
    text: sets.map((set) => set.map(compText).join(' ')).join(' || '),
    test: (v: Tuple) => sets.some((set) => set.every((c) => refComparator(c.op, c.p, v))),
  })),
  // Hyphen ranges: an inclusive lower and upper prefix bound; an x side drops that bound.
  fc.tuple(partialArb, partialArb).map(([lo, hi]) => ({
    text: `${lo.text} - ${hi.text}`,
    test: (v: Tuple) => refComparator('>=', lo, v) && refComparator('<=', hi, v),
  })),
)
const tupleArb = fc.tuple(fc.nat(3), fc.nat(3), fc.nat(3))

describe('satisfies() against a reference model of npm ranges (releases)', () => {
  test('every generated range agrees with the prefix model on every small release', () => {
    fc.assert(
      fc.property(rangeArb, tupleArb, (range, t) => {
        expect(isRange(range.text), range.text).toBe(true)
        expect(satisfies(t.join('.'), range.text), `${t.join('.')} in "${range.text}"`).toBe(range.test(t))
      }),
      { numRuns: 2000 },
    )
  })

  test('a parsed range can be passed back in place of its text', () => {
    fc.assert(
      fc.property(rangeArb, tupleArb, (range, t) => {
        const parsed = new Range(range.text)
        expect(parsed.test(t.join('.'))).toBe(satisfies(t.join('.'), range.text))
        expect(satisfies(t.join('.'), parsed.range || '*')).toBe(satisfies(t.join('.'), range.text))
      }),
    )
  })
})

describe('ranges: edge cases', () => {
  test('one `*` alternative makes the whole range `*`, so prereleases stay out', () => {
    expect(comparators('* || 1.2.3-beta.1')).toEqual(comparators('*'))
    expect(satisfies('1.2.3-beta.1', '* || 1.2.3-beta.1')).toBe(false)
    expect(satisfies('1.2.3-beta.1', '1.0.0 || 1.2.3-beta.1')).toBe(true)
  })

  test('an empty alternative matches any release', () => {
    expect(validRange('')).toBe(validRange('*'))
    expect(satisfies('9.9.9', '1.0.0 || ')).toBe(true)
  })

  test('hyphen ranges with an x side keep only the other bound', () => {
    expect(comparators('* - 1.2.3')).toEqual(comparators('<=1.2.3'))
    expect(comparators('1.2 - x')).toEqual(comparators('>=1.2.0'))
    expect(comparators('* - x')).toEqual(comparators('*'))
    expect(comparators('1.2.3-rc.1 - 1.2.3')).toEqual([['>=1.2.3-rc.1', '<=1.2.3']])
  })

  test('garbage on either side of a hyphen, or in any comparator, is not a range', () => {
    for (const text of ['foo - 1.2.3', '1.2.3 - bar', '>=1.0.0 <two', '^latest', '1.2.3.4', '>=01.0.0', '>=>1']) {
      expect(isRange(text), text).toBe(false)
      expect(satisfies('1.2.3', text), text).toBe(false)
    }
  })

  test('where the replaced hand-written parser differed from npm (found by differential fuzzing)', () => {
    // An x before a number is no range to npm (it installs `1.x.1` as a dist-tag, and fails).
    expect(isRange('1.x.1')).toBe(false)
    // An alternative that is `*` twice over still makes the whole range `*`: prereleases stay out.
    expect(satisfies('1.2.3-beta', '1.2.3-beta || ~* ~*')).toBe(false)
    expect(satisfies('1.2.3-beta', '1.2.3-beta || 2')).toBe(true)
  })

  test('`<*` and `>*` match nothing, `<=*` and `>=*` everything', () => {
    expect(satisfies('0.0.0', '<*')).toBe(false)
    expect(satisfies('9.9.9', '>*')).toBe(false)
    expect(satisfies('0.0.0', '<=*')).toBe(true)
    expect(satisfies('9.9.9', '>=*')).toBe(true)
  })

  test('operators on full versions keep the prerelease they name', () => {
    expect(satisfies('1.2.3-beta.2', '>1.2.3-beta.1')).toBe(true)
    expect(satisfies('1.2.3-beta.1', '>1.2.3-beta.1')).toBe(false)
    expect(satisfies('1.2.3-alpha', '<=1.2.3-beta')).toBe(true)
    expect(satisfies('1.2.4-alpha', '<=1.2.4-beta >1.0.0')).toBe(true)
    // a prerelease of another tuple never matches, however the comparators compare
    expect(satisfies('1.2.4-alpha', '>1.0.0')).toBe(false)
  })
})

describe('satisfies() on bad input', () => {
  test('an unparsable version or range is false, not an exception', () => {
    expect(satisfies('not-a-version', '*')).toBe(false)
    expect(satisfies('1.2', '>=1.0.0')).toBe(false)
    expect(satisfies('1.2.3', 'latest')).toBe(false)
  })

  test('parts beyond Number.MAX_SAFE_INTEGER are not versions (they would compare wrongly)', () => {
    expect(parseVersion(`${Number.MAX_SAFE_INTEGER}.0.0`)).toEqual({
      major: Number.MAX_SAFE_INTEGER,
      minor: 0,
      patch: 0,
      prerelease: [],
    })
    expect(parseVersion('9007199254740993.0.0')).toBeUndefined()
    expect(parseVersion('1.99999999999999999999.0')).toBeUndefined()
  })

  test('a leading `=` and surrounding spaces are accepted, as npm does', () => {
    expect(parseVersion(clean(' = 1.2.3 ') as string)).toEqual({ major: 1, minor: 2, patch: 3, prerelease: [] })
    expect(satisfies('1.2.3', ' = 1.2.3 ')).toBe(true)
  })

  test('majorOf() reads the major of a strict version only', () => {
    expect([majorOf('v12.3.4-rc.1'), majorOf('0.1.0'), majorOf('1.2'), majorOf('latest')]).toEqual([
      12,
      0,
      undefined,
      undefined,
    ])
  })
})

describe('compare() on prereleases of one release', () => {
  // All versions share 1.0.0 so the prerelease rules decide every comparison.
  const preArb = fc.array(fc.oneof(fc.nat(3), fc.constantFrom('a', 'b', 'alpha', 'rc', '1a')), { maxLength: 3 })
  const sameTuple = preArb.map((prerelease): SemVer => ({ major: 1, minor: 0, patch: 0, prerelease }))

  test('is a total order consistent with the semver.org rules', () => {
    fc.assert(
      fc.property(sameTuple, sameTuple, sameTuple, (a, b, c) => {
        const ab = cmp(a, b)
        expect(ab).toBe(-cmp(b, a) || 0)
        expect(ab === 0).toBe(formatVersion(a) === formatVersion(b))
        if (ab <= 0 && cmp(b, c) <= 0) expect(cmp(a, c)).toBeLessThanOrEqual(0)
      }),
      { numRuns: 500 },
    )
  })

  test('a release outranks its prereleases; a longer prerelease outranks its prefix', () => {
    fc.assert(
      fc.property(sameTuple, fc.oneof(fc.nat(3), fc.constantFrom('a', 'zz')), (v, extra) => {
        const release = { ...v, prerelease: [] }
        if (v.prerelease.length > 0) expect(cmp(v, release)).toBe(-1)
        expect(cmp({ ...v, prerelease: [...v.prerelease, extra] }, v)).toBe(v.prerelease.length > 0 ? 1 : -1)
      }),
    )
  })

  test.each([
    ['1.0.0-1', '1.0.0-a', -1], // numeric identifiers rank below alphanumeric ones
    ['1.0.0-a', '1.0.0-1', 1],
    ['1.0.0-b', '1.0.0-a', 1], // alphanumerics compare in ASCII order
    ['1.0.0-B', '1.0.0-a', -1],
    ['1.0.0-10', '1.0.0-9', 1], // numerics compare as numbers
    ['1.0.0-alpha.1', '1.0.0-alpha', 1],
    ['1.0.0-1a', '1.0.0-2', 1], // `1a` is alphanumeric, not a number
  ])('%s vs %s is %i', (a, b, expected) => {
    expect(cmp(parseVersion(a) as SemVer, parseVersion(b) as SemVer)).toBe(expected)
  })
})
