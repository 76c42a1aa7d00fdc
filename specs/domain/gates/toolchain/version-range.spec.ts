import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { rangeKind, toSemver, versionInRange } from '../../../../src/domain/gates/toolchain/version-range.ts'

describe('rangeKind()', () => {
  test('semver unless the range uses what only PEP 440 has', () => {
    expect(['>=3.10', '^20.19', '>=12 <14', '*', '1.x', '>=20.19.0 <21 || >=22.12.0'].map(rangeKind)).toEqual(
      Array(6).fill('semver'),
    )
    expect(['>=3.10,<3.13', '~=3.11', '==3.11.*', '!=3.12.0', '>=3.10, <4'].map(rangeKind)).toEqual(
      Array(5).fill('pep440'),
    )
    expect(['>=3.1O', 'latest', '~=3', '>=3.10,<'].map(rangeKind)).toEqual([undefined, undefined, undefined, undefined])
  })
})

describe('versionInRange()', () => {
  test('semver ranges on what tools print', () => {
    expect(versionInRange('3.11.7', '>=3.10')).toBe(true)
    expect(versionInRange('3.9.18', '>=3.10')).toBe(false)
    expect(versionInRange('13.0.88', '>=12')).toBe(true)
    expect(versionInRange('20.18.3', '>=20.19')).toBe(false)
    expect(versionInRange('550.54.15', '*')).toBe(true)
    expect(versionInRange('3.13.0rc1', '>=3.13')).toBe(true) // the suffix is dropped for semver
    expect(versionInRange('no version', '*')).toBe(false)
  })

  test('PEP 440 ranges, pre-releases of what is installed included', () => {
    expect(versionInRange('3.12.1', '>=3.10,<3.13')).toBe(true)
    expect(versionInRange('3.13.0', '>=3.10,<3.13')).toBe(false)
    expect(versionInRange('3.11.7', '~=3.11')).toBe(true)
    expect(versionInRange('3.11.7', '==3.11.*')).toBe(true)
    expect(versionInRange('3.13.0rc1', '>=3.13.0rc1,<3.14')).toBe(true)
  })

  test('`>=a.b` means the same in both grammars, and what numeric comparison says (property)', () => {
    const n = fc.integer({ min: 0, max: 40 })
    fc.assert(
      fc.property(n, n, n, n, n, (major, minor, patch, a, b) => {
        const version = `${major}.${minor}.${patch}`
        const expected = major > a || (major === a && minor >= b)
        expect(versionInRange(version, `>=${a}.${b}`)).toBe(expected)
        expect(versionInRange(version, `>=${a}.${b},!=999`)).toBe(expected)
      }),
    )
  })
})

describe('toSemver()', () => {
  test('pads, trims and drops suffixes', () => {
    expect(['3.11', 'v20.19.0', '550.54.15.1', '3.13.0rc1', '12.02', 'x'].map(toSemver)).toEqual([
      '3.11.0',
      '20.19.0',
      '550.54.15',
      '3.13.0',
      '12.2.0',
      undefined,
    ])
  })
})
