import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { shannonEntropy } from '../../../../src/domain/gates/secrets/entropy.ts'

describe('shannonEntropy()', () => {
  test('reference values', () => {
    expect(shannonEntropy('')).toBe(0)
    expect(shannonEntropy('aaaa')).toBe(0)
    expect(shannonEntropy('ab')).toBeCloseTo(1, 12)
    expect(shannonEntropy('aabb')).toBeCloseTo(1, 12)
    expect(shannonEntropy('abcd')).toBeCloseTo(2, 12)
    expect(shannonEntropy('0123456789abcdef')).toBeCloseTo(4, 12)
    // p = (1/2, 1/4, 1/4): 0.5 + 0.5 + 0.5
    expect(shannonEntropy('aabc')).toBeCloseTo(1.5, 12)
  })

  test('lies between 0 and log2(distinct characters)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200, unit: 'grapheme-ascii' }), (s) => {
        const h = shannonEntropy(s)
        const distinct = new Set(s).size
        expect(h).toBeGreaterThanOrEqual(0)
        expect(h).toBeLessThanOrEqual(Math.log2(distinct) + 1e-9)
      }),
    )
  })

  test('does not depend on character order', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), fc.integer(), (s, seed) => {
        const chars = [...s]
        const shuffled = chars.map((c, i) => ({ c, k: Math.sin(seed + i) })).sort((a, b) => a.k - b.k)
        expect(shannonEntropy(shuffled.map((x) => x.c).join(''))).toBeCloseTo(shannonEntropy(s), 9)
      }),
    )
  })

  test('k distinct characters repeated equally often give exactly log2(k)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 1, unit: 'grapheme-ascii' }), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.integer({ min: 1, max: 5 }),
        (chars, reps) => {
          expect(shannonEntropy(chars.join('').repeat(reps))).toBeCloseTo(Math.log2(chars.length), 9)
        },
      ),
    )
  })
})
