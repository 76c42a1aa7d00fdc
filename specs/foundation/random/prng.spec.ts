import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { Prng } from '../../../src/foundation/random/prng.ts'

const M32 = (1n << 32n) - 1n

/** Independent BigInt reference of splitmix32 seeding + xoshiro128** (Blackman & Vigna). */
function referenceStream(seed: number, count: number): number[] {
  let x = BigInt(seed >>> 0)
  const s: bigint[] = []
  for (let i = 0; i < 4; i++) {
    x = (x + 0x9e3779b9n) & M32
    let z = x
    z = ((z ^ (z >> 16n)) * 0x85ebca6bn) & M32
    z = ((z ^ (z >> 13n)) * 0xc2b2ae35n) & M32
    s.push(z ^ (z >> 16n))
  }
  if (!s.some((v) => v !== 0n)) s[0] = 1n
  return xoshiro(s as [bigint, bigint, bigint, bigint], count)
}

function xoshiro(state: [bigint, bigint, bigint, bigint], count: number): number[] {
  const rotl = (v: bigint, k: bigint) => ((v << k) | (v >> (32n - k))) & M32
  const s = [...state]
  const out: number[] = []
  for (let i = 0; i < count; i++) {
    const [s0, s1, s2, s3] = s as [bigint, bigint, bigint, bigint]
    out.push(Number((rotl((s1 * 5n) & M32, 7n) * 9n) & M32))
    const t = (s1 << 9n) & M32
    let n2 = s2 ^ s0
    let n3 = s3 ^ s1
    const n1 = s1 ^ n2
    const n0 = s0 ^ n3
    n2 ^= t
    n3 = rotl(n3, 11n)
    s.splice(0, 4, n0, n1, n2, n3)
  }
  return out
}

describe('Prng', () => {
  test('xoshiro128** from state [1,2,3,4] starts with rotl(2*5, 7)*9 = 1280*9 = 11520', () => {
    expect(Prng.fromState([1, 2, 3, 4]).nextUint32()).toBe(11520)
  })

  test('matches an independent BigInt reference for any seed (the stream is a contract)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (seed) => {
        const rng = Prng.fromSeed(seed)
        const got = Array.from({ length: 64 }, () => rng.nextUint32())
        expect(got).toEqual(referenceStream(seed, 64))
      }),
      { numRuns: 50 },
    )
  })

  test('state() round-trips through fromState and continues the same stream', () => {
    const a = Prng.fromSeed(7)
    for (let i = 0; i < 10; i++) a.nextUint32()
    const b = Prng.fromState(a.state())
    expect(Array.from({ length: 20 }, () => b.nextUint32())).toEqual(Array.from({ length: 20 }, () => a.nextUint32()))
  })

  test('fromState rejects anything but 4 uint32', () => {
    expect(() => Prng.fromState([1, 2, 3])).toThrow(/expected 4 uint32/)
    expect(() => Prng.fromState([1, 2, 3, -1])).toThrow(/expected 4 uint32/)
    expect(() => Prng.fromState([1, 2, 3, 2 ** 32])).toThrow(/expected 4 uint32/)
  })

  test('different seeds give different streams', () => {
    const first = (seed: number) => Prng.fromSeed(seed).nextUint32()
    expect(new Set([0, 1, 2, 3, 42, 0xffffffff].map(first)).size).toBe(6)
  })

  test('nextFloat is in [0, 1) and nextInt in [0, n)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1, max: 1000 }), (seed, n) => {
        const rng = Prng.fromSeed(seed)
        for (let i = 0; i < 50; i++) {
          const f = rng.nextFloat()
          expect(f).toBeGreaterThanOrEqual(0)
          expect(f).toBeLessThan(1)
          const k = rng.nextInt(n)
          expect(Number.isInteger(k) && k >= 0 && k < n).toBe(true)
        }
      }),
      { numRuns: 30 },
    )
  })

  test('nextInt(3) is unbiased: 30000 draws land within 5 sigma of 10000 each', () => {
    const rng = Prng.fromSeed(3)
    const counts = [0, 0, 0]
    for (let i = 0; i < 30_000; i++) {
      const k = rng.nextInt(3)
      counts[k] = (counts[k] ?? 0) + 1
    }
    // sigma = sqrt(n p (1-p)) = sqrt(30000 * 1/3 * 2/3) = 81.6
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(5 * 81.6)
  })

  test('nextInt rejects n outside 1..2^32', () => {
    const rng = Prng.fromSeed(1)
    expect(() => rng.nextInt(0)).toThrow(/1\.\.2\^32/)
    expect(() => rng.nextInt(1.5)).toThrow(/1\.\.2\^32/)
  })

  test('nextNormal has mean 0 and variance 1 (20000 samples, 5 standard errors)', () => {
    const rng = Prng.fromSeed(11)
    const n = 20_000
    const xs = Array.from({ length: n }, () => rng.nextNormal())
    const mean = xs.reduce((a, b) => a + b, 0) / n
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)
    // standard error of the mean = 1/sqrt(n) = 0.00707; of the variance ≈ sqrt(2/n) = 0.01
    expect(Math.abs(mean)).toBeLessThan(5 * 0.00707)
    expect(Math.abs(variance - 1)).toBeLessThan(5 * 0.01)
  })
})
