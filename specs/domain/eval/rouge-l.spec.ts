import { describe, expect, test } from 'vitest'
import { lcsLength, rougeL, rougeLMulti, rougeTokenize } from '../../../src/domain/eval/rouge-l.ts'

describe('rougeTokenize()', () => {
  test('lowercase, non [a-z0-9] runs are spaces, no stemming', () => {
    expect(rougeTokenize('The Cat-sat!  running')).toEqual(['the', 'cat', 'sat', 'running'])
    // é is outside [a-z0-9] after lowercasing, so "café" loses it
    expect(rougeTokenize('Café 42')).toEqual(['caf', '42'])
    expect(rougeTokenize('...')).toEqual([])
  })
})

describe('rougeL()', () => {
  test('LCS-based P, R, F derived by hand (score(target, prediction) order)', () => {
    // target [the cat sat on the mat] (6), prediction [the cat on the mat] (5): LCS = 5
    // P = 5/5 = 1, R = 5/6, F = 2·1·(5/6)/(1 + 5/6) = (10/6)/(11/6) = 10/11
    const s = rougeL('the cat sat on the mat', 'the cat on the mat')
    expect(s.precision).toBe(1)
    expect(s.recall).toBeCloseTo(5 / 6, 12)
    expect(s.fmeasure).toBeCloseTo(10 / 11, 12)
    // argument order matters: swapping swaps P and R
    const swapped = rougeL('the cat on the mat', 'the cat sat on the mat')
    expect(swapped.recall).toBe(1)
    expect(swapped.precision).toBeCloseTo(5 / 6, 12)
  })

  test('edge cases: empty, no overlap, perfect', () => {
    expect(rougeL('', 'cat')).toEqual({ precision: 0, recall: 0, fmeasure: 0 })
    expect(rougeL('cat', '')).toEqual({ precision: 0, recall: 0, fmeasure: 0 })
    expect(rougeL('dog', 'cat')).toEqual({ precision: 0, recall: 0, fmeasure: 0 })
    expect(rougeL('A cat!', 'a CAT')).toEqual({ precision: 1, recall: 1, fmeasure: 1 })
  })

  test('LCS is a subsequence, not a substring', () => {
    // a b c d e vs a x c y e: LCS a c e = 3
    expect(lcsLength(['a', 'b', 'c', 'd', 'e'], ['a', 'x', 'c', 'y', 'e'])).toBe(3)
    expect(lcsLength([], ['a'])).toBe(0)
  })

  test('several targets: the one with the best F-measure', () => {
    const best = rougeLMulti(['completely different', 'the cat on the mat'], 'the cat on the mat')
    expect(best).toEqual({ precision: 1, recall: 1, fmeasure: 1, target: 1 })
    expect(rougeLMulti(['x'], 'y').target).toBe(0)
  })
})
