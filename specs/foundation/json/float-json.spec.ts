import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { decodeFloat, encodeFloat } from '../../../src/foundation/json/float-json.ts'

describe('encodeFloat() / decodeFloat()', () => {
  test('keep NaN, ±Infinity and -0 through JSON, which would turn them into null or 0', () => {
    const values = [
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      -0,
      0,
      5e-324,
      1.7976931348623157e308,
    ]
    const back = JSON.parse(JSON.stringify(values.map(encodeFloat))).map(decodeFloat) as number[]
    for (const [i, v] of back.entries()) expect(Object.is(v, values[i]), `value ${i}`).toBe(true)
  })

  test('property: every double survives JSON bit for bit', () => {
    fc.assert(
      fc.property(fc.double(), (x) => {
        expect(Object.is(decodeFloat(JSON.parse(JSON.stringify(encodeFloat(x)))), x)).toBe(true)
      }),
      { numRuns: 1000 },
    )
  })

  test('decodes nothing else', () => {
    expect([decodeFloat('nan'), decodeFloat(null), decodeFloat('1'), decodeFloat({})]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ])
  })
})
