import { describe, expect, test } from 'vitest'
import { lineTokenAccuracy, sumAccuracy, tokenAccuracy } from '../../../src/domain/eval/token-accuracy.ts'

describe('tokenAccuracy()', () => {
  test('counts equal positions, leaving ignored targets out', () => {
    // positions: 1=1 ✓, 2≠0 ✗, 3=3 ✓, target -100 ignored → 2 correct of 3.
    expect(tokenAccuracy([1, 2, 3, 4], [1, 0, 3, -100], { ignoreId: -100 })).toEqual({
      correct: 2,
      total: 3,
      accuracy: 2 / 3,
    })
    expect(tokenAccuracy([], [])).toEqual({ correct: 0, total: 0, accuracy: 0 })
    expect(() => tokenAccuracy([1], [1, 2])).toThrow(/1 predictions but 2 targets/)
  })

  test('batches are summed, not averaged', () => {
    // 1/1 and 1/3: summed 2/4 = 0.5, not (1 + 1/3)/2 = 0.667.
    expect(sumAccuracy([tokenAccuracy([1], [1]), tokenAccuracy([1, 0, 0], [1, 2, 3])]).accuracy).toBe(0.5)
  })
})

describe('lineTokenAccuracy()', () => {
  test('whitespace tokens position by position over the reference length', () => {
    // ref: the cat sat on the mat (6); hyp matches positions 0..2 → 3/6.
    expect(lineTokenAccuracy('the cat sat', 'the cat sat on the mat')).toEqual({ correct: 3, total: 6, accuracy: 0.5 })
    // extra hypothesis tokens are not counted against it
    expect(lineTokenAccuracy('a b c d', 'a b')).toEqual({ correct: 2, total: 2, accuracy: 1 })
    expect(lineTokenAccuracy('x', '')).toEqual({ correct: 0, total: 0, accuracy: 0 })
  })
})
