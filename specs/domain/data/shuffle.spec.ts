import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { EpochSampler, epochSeed, permutation, permutationSha256 } from '../../../src/domain/data/shuffle.ts'

describe('permutation()', () => {
  test('is a permutation of 0..n-1', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 0xffffffff }), (n, seed) => {
        const p = permutation(n, seed)
        expect(p).toHaveLength(n)
        expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i))
      }),
    )
  })

  test('same seed → same order; different seeds → different orders', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 20, max: 500 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 0xffffffff }),
        (n, a, b) => {
          fc.pre(a !== b)
          expect(permutation(n, a)).toEqual(permutation(n, a))
          // Two fixed seeds agreeing on all of 20+ positions has probability ≤ 1/20!.
          expect(permutationSha256(permutation(n, a))).not.toBe(permutationSha256(permutation(n, b)))
        },
      ),
    )
  })

  test('is uniform: each of the 6 orders of 3 items appears ~1/6 of the time over 6000 seeds', () => {
    const counts = new Map<string, number>()
    for (let seed = 0; seed < 6000; seed++) {
      const key = [...permutation(3, seed)].join('')
      counts.set(key, (counts.get(key) ?? 0) + 1)
    }
    expect(counts.size).toBe(6)
    // Binomial sigma = sqrt(6000 · 1/6 · 5/6) = 28.9; allow 5 sigma.
    for (const c of counts.values()) expect(Math.abs(c - 1000)).toBeLessThan(5 * 28.9)
  })

  test('permutationSha256 hashes the uint32 little-endian bytes', () => {
    // sha256 of zero bytes (n = 0) is the well-known e3b0c442…
    expect(permutationSha256(new Uint32Array(0))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    )
    expect(permutationSha256(Uint32Array.of(0, 1))).not.toBe(permutationSha256(Uint32Array.of(1, 0)))
  })

  test('epochSeed gives each epoch its own seed', () => {
    const seeds = new Set(Array.from({ length: 100 }, (_, e) => epochSeed(42, e)))
    expect(seeds.size).toBe(100)
  })
})

describe('EpochSampler', () => {
  test('each epoch visits every index once, in a new order', () => {
    const s = EpochSampler.create(50, 9)
    const first = s.take(50)
    const second = s.take(50)
    expect([...first].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i))
    expect([...second].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i))
    expect(second).not.toEqual(first)
    expect(s.epoch).toBe(1)
  })

  test('resume(cursor) continues exactly where it stopped, across epoch boundaries', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 700 }),
        fc.integer({ min: 1, max: 300 }),
        (n, seed, before, after) => {
          const a = EpochSampler.create(n, seed)
          a.take(before)
          const cursor = JSON.parse(JSON.stringify(a.cursor()))
          const b = EpochSampler.resume(n, cursor)
          expect(b.take(after)).toEqual(a.take(after))
        },
      ),
    )
  })

  test('cursor has the DataCursor shape and resume refuses a changed dataset', () => {
    const s = EpochSampler.create(100, 5)
    s.take(130)
    const cursor = s.cursor()
    expect(cursor).toEqual({
      epoch: 1,
      permutation_seed: 5,
      permutation_sha256: permutationSha256(permutation(100, epochSeed(5, 1))),
      position: 30,
    })
    expect(() => EpochSampler.resume(101, cursor)).toThrow(/the dataset or seed changed since the checkpoint/)
    expect(() => EpochSampler.resume(10, cursor)).toThrow(/position 30 is outside 0\.\.10/)
    expect(() => EpochSampler.create(0, 1)).toThrow(/n must be positive/)
  })
})
