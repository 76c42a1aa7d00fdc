import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { mapLimit } from '../../../src/foundation/async/map-limit.ts'

describe('mapLimit()', () => {
  test('property: the results of map, in order; never more than `limit` calls in flight; each item once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 40 }),
        fc.integer({ min: -1, max: 12 }),
        async (delays, limit) => {
          let inFlight = 0
          let most = 0
          const seen: number[] = []
          const out = await mapLimit(delays, limit, async (delay, i) => {
            inFlight++
            most = Math.max(most, inFlight)
            seen.push(i)
            for (let t = 0; t < delay; t++) await Promise.resolve()
            inFlight--
            return delay * 10 + i
          })
          expect(out).toEqual(delays.map((d, i) => d * 10 + i))
          expect(seen.sort((a, b) => a - b)).toEqual(delays.map((_, i) => i))
          expect(most).toBeLessThanOrEqual(Math.max(1, limit))
          // Calls that all wait fill every slot (one that returns at once frees its slot at once).
          if (delays.length > 0 && delays.every((d) => d > 0))
            expect(most).toBe(Math.min(Math.max(1, limit), delays.length))
        },
      ),
    )
  })

  test('a rejection rejects the whole', async () => {
    await expect(
      mapLimit([1, 2, 3], 2, async (n) => {
        if (n === 2) throw new Error('two')
        return n
      }),
    ).rejects.toThrow('two')
  })
})
