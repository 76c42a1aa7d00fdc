import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { durationFlag, intFlag } from '../../../src/foundation/cli/flag-values.ts'
import { UserError } from '../../../src/foundation/errors/user-error.ts'

describe('intFlag', () => {
  test('a whole number ≥ 0 is read; absent is the fallback', () => {
    expect(intFlag('0', '--n', 5)).toBe(0)
    expect(intFlag('12', '--n', 5)).toBe(12)
    expect(intFlag(undefined, '--n', 5)).toBe(5)
  })

  test('anything else is a usage error naming the flag and an example', () => {
    for (const bad of ['-1', '1.5', 'many', 'NaN']) {
      expect(() => intFlag(bad, '--threads', 1)).toThrow(UserError)
      expect(() => intFlag(bad, '--threads', 1)).toThrow(`--threads must be a non-negative integer, got "${bad}"`)
    }
  })
})

describe('durationFlag', () => {
  test('each unit', () => {
    expect(durationFlag('30s', '--since')).toBe(30_000)
    expect(durationFlag('30m', '--since')).toBe(1_800_000)
    expect(durationFlag('12h', '--since')).toBe(43_200_000)
    expect(durationFlag(' 7d ', '--since')).toBe(604_800_000)
    expect(durationFlag('2w', '--since')).toBe(1_209_600_000)
  })

  test('property: n<unit> is n times the unit; a bad spelling names the flag', () => {
    const unit = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 604800e3 }
    fc.assert(
      fc.property(fc.nat(100_000), fc.constantFrom('s', 'm', 'h', 'd', 'w'), (n, u) => {
        expect(durationFlag(`${n}${u}`, '--since')).toBe(n * unit[u as keyof typeof unit])
      }),
    )
    expect(() => durationFlag('last-week', '--since')).toThrow('--since must look like 7d, 12h or 30m, got "last-week"')
  })
})
