import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { newRecordId } from '../../src/ledger/record-id.ts'

describe('newRecordId()', () => {
  test('is a UUIDv7 whose first 48 bits are the time in milliseconds', () => {
    const id = newRecordId(Date.UTC(2026, 0, 2, 3, 4, 5, 678))
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.UTC(2026, 0, 2, 3, 4, 5, 678))
  })

  test('100,000 ids in a row are all different (across several refills of the random pool)', () => {
    const ids = new Set(Array.from({ length: 100_000 }, () => newRecordId()))
    expect(ids.size).toBe(100_000)
  })

  test('property: ids of later milliseconds sort after earlier ones', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 47 }), fc.integer({ min: 1, max: 2 ** 20 }), (t, dt) => {
        expect(newRecordId(t) < newRecordId(t + dt)).toBe(true)
      }),
    )
  })
})
