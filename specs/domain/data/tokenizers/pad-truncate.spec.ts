import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { pad, padAndTruncate, padBatch, truncate } from '../../../../src/domain/data/tokenizers/pad-truncate.ts'

describe('truncate() and pad()', () => {
  test('cut from either end, pad on either side', () => {
    expect(truncate([1, 2, 3, 4], 2)).toEqual([1, 2])
    expect(truncate([1, 2, 3, 4], 2, 'left')).toEqual([3, 4])
    expect(truncate([1, 2], 5)).toEqual([1, 2])
    expect(pad([1, 2], 4, 0)).toEqual([1, 2, 0, 0])
    expect(pad([1, 2], 4, 0, 'left')).toEqual([0, 0, 1, 2])
    expect(pad([1, 2, 3], 2, 0)).toEqual([1, 2, 3])
    expect(() => truncate([1], -1)).toThrow(/maxLength must be a non-negative integer, got -1/)
  })
})

describe('padAndTruncate()', () => {
  test('always returns maxLength ids with a mask of the real ones', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 100 })),
        fc.integer({ min: 0, max: 20 }),
        fc.constantFrom('left', 'right'),
        fc.constantFrom('left', 'right'),
        (ids, maxLength, padding, truncation) => {
          const out = padAndTruncate(ids, { maxLength, padId: 0, padding, truncation })
          expect(out.ids).toHaveLength(maxLength)
          expect(out.attentionMask).toHaveLength(maxLength)
          const real = out.ids.filter((_, i) => out.attentionMask[i] === 1)
          expect(real).toEqual(truncate(ids, maxLength, truncation))
          expect(out.ids.filter((_, i) => out.attentionMask[i] === 0).every((id) => id === 0)).toBe(true)
        },
      ),
    )
    expect(padAndTruncate([5, 6, 7], { maxLength: 5, padId: 9, padding: 'left' })).toEqual({
      ids: [9, 9, 5, 6, 7],
      attentionMask: [0, 0, 1, 1, 1],
    })
  })
})

describe('padBatch()', () => {
  test('pads to the longest sequence, capped by maxLength', () => {
    expect(padBatch([[1], [1, 2, 3]], { padId: 0 })).toEqual({
      ids: [
        [1, 0, 0],
        [1, 2, 3],
      ],
      attentionMask: [
        [1, 0, 0],
        [1, 1, 1],
      ],
    })
    expect(padBatch([[1], [1, 2, 3]], { padId: 0, maxLength: 2, truncation: 'left', padding: 'left' }).ids).toEqual([
      [0, 1],
      [2, 3],
    ])
  })
})
