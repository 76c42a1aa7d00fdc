import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { pretokenize } from '../../../../src/domain/data/tokenizers/pretokenize.ts'

describe('pretokenize()', () => {
  test("splits like GPT-2: contractions, ' word', digits, symbols, whitespace", () => {
    expect(pretokenize("I'm here,  42 times!\n")).toEqual(['I', "'m", ' here', ',', ' ', ' 42', ' times', '!', '\n'])
  })

  test('pieces concatenate back to the input, surrogate pairs never split', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const pieces = pretokenize(s)
        expect(pieces.join('')).toBe(s)
        for (const p of pieces) expect(p.length).toBeGreaterThan(0)
      }),
    )
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff })), (units) => {
        const s = String.fromCharCode(...units)
        expect(pretokenize(s).join('')).toBe(s)
      }),
    )
    expect(pretokenize('a😀b')).toEqual(['a', '😀', 'b'])
  })
})
