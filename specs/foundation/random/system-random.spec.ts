import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { fillRandom, randomUuid } from '../../../src/foundation/random/system-random.ts'

describe('system random', () => {
  test('fills every byte it is given, and two fills of 16+ bytes never agree', () => {
    fc.assert(
      fc.property(fc.integer({ min: 16, max: 4096 }), (size) => {
        const a = fillRandom(Buffer.alloc(size))
        const b = fillRandom(Buffer.alloc(size))
        expect(a.length).toBe(size)
        expect(a.equals(b)).toBe(false)
      }),
      { numRuns: 50 },
    )
    expect(fillRandom(Buffer.alloc(0)).length).toBe(0)
  })

  test('bytes look uniform: each value 0-255 about as often as the others over 256 KiB', () => {
    const counts = new Array<number>(256).fill(0)
    for (const byte of fillRandom(Buffer.alloc(256 * 1024))) counts[byte] = (counts[byte] ?? 0) + 1
    // 1024 expected per value; a fair source stays within ±25% with overwhelming probability.
    expect(Math.min(...counts)).toBeGreaterThan(768)
    expect(Math.max(...counts)).toBeLessThan(1280)
  })

  test('randomUuid is a version-4 RFC 9562 UUID, as crypto.randomUUID makes, and unique', () => {
    const ids = Array.from({ length: 2000 }, randomUuid)
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(new Set(ids).size).toBe(ids.length)
  })
})
