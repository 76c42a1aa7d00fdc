import { describe, expect, test } from 'vitest'
import { NllAccumulator, perplexity } from '../../../src/domain/eval/perplexity.ts'

describe('perplexity()', () => {
  test('is exp of the summed NLL over the token count', () => {
    // Three tokens each with probability 1/2: NLL sum = 3 ln 2, mean = ln 2, exp(ln 2) = 2.
    expect(perplexity({ nllSum: 3 * Math.log(2), tokens: 3 })).toBeCloseTo(2, 12)
    // A perfect model: NLL 0 → perplexity 1.
    expect(perplexity({ nllSum: 0, tokens: 5 })).toBe(1)
  })

  test('rejects empty or impossible totals', () => {
    expect(() => perplexity({ nllSum: 1, tokens: 0 })).toThrow(/tokens must be a positive integer, got 0/)
    expect(() => perplexity({ nllSum: -1, tokens: 2 })).toThrow(/nllSum must be a non-negative number/)
    expect(() => perplexity({ nllSum: Number.NaN, tokens: 2 })).toThrow(/got NaN/)
  })
})

describe('NllAccumulator', () => {
  test('sums batches: not the exp of a mean of batch means', () => {
    // Batch A: 1 token with p = 1/4 → NLL ln 4. Batch B: 3 tokens with p = 1/2 → NLL 3 ln 2.
    // Right: exp((ln 4 + 3 ln 2) / 4) = exp(5 ln 2 / 4) = 2^(5/4) ≈ 2.3784.
    // Wrong (mean of batch means): exp((ln 4 + ln 2) / 2) = 2^(3/2) ≈ 2.8284.
    const acc = new NllAccumulator().add(Math.log(4), 1).add(3 * Math.log(2), 3)
    expect(acc.perplexity()).toBeCloseTo(2 ** 1.25, 12)
    expect(acc.perplexity()).not.toBeCloseTo(2 ** 1.5, 3)
    expect(acc.meanNll()).toBeCloseTo((5 * Math.log(2)) / 4, 12)
    expect(() => new NllAccumulator().meanNll()).toThrow(/no tokens added/)
  })
})
