import { describe, expect, test } from 'vitest'
import { argmax, sampleNext } from '../../../src/domain/train/sampling.ts'
import { Prng } from '../../../src/foundation/random/prng.ts'

describe('sampleNext()', () => {
  test('temperature 0 is greedy: the first maximum, and the PRNG is not drawn from', () => {
    const rng = Prng.fromSeed(1)
    const before = rng.state()
    expect(sampleNext([0.5, 2, -1, 2], { temperature: 0 }, rng)).toBe(1)
    expect(rng.state()).toEqual(before)
  })

  test('top-k 1 always picks the maximum whatever the temperature', () => {
    const rng = Prng.fromSeed(2)
    for (let i = 0; i < 50; i++) expect(sampleNext([0, 1, 3, 2.9], { temperature: 5, topK: 1 }, rng)).toBe(2)
  })

  test('top-k keeps only the k largest logits; ties with the k-th are kept (as nanoGPT)', () => {
    const rng = Prng.fromSeed(3)
    const seen = new Set<number>()
    for (let i = 0; i < 400; i++) seen.add(sampleNext([5, 1, 4, 4, 0], { topK: 2 }, rng))
    expect([...seen].sort()).toEqual([0, 2, 3])
  })

  test('frequencies follow softmax(logits / temperature)', () => {
    const logits = [Math.log(1), Math.log(2), Math.log(7)]
    const rng = Prng.fromSeed(4)
    const counts = [0, 0, 0]
    const n = 20_000
    for (let i = 0; i < n; i++) (counts[sampleNext(logits, { temperature: 1 }, rng)] as number)++
    expect(counts.map((c) => c / n)).toEqual([expect.closeTo(0.1, 1), expect.closeTo(0.2, 1), expect.closeTo(0.7, 1)])
    // temperature 2 flattens: p ∝ sqrt(1, 2, 7)
    const hot = [0, 0, 0]
    for (let i = 0; i < n; i++) (hot[sampleNext(logits, { temperature: 2 }, rng)] as number)++
    const z = 1 + Math.SQRT2 + Math.sqrt(7)
    expect((hot[0] as number) / n).toBeCloseTo(1 / z, 1)
    expect((hot[2] as number) / n).toBeCloseTo(Math.sqrt(7) / z, 1)
  })

  test('the same seed gives the same draws', () => {
    const logits = [0.1, 0.3, 0.2, 0.9, -0.4]
    const draw = (seed: number) => {
      const rng = Prng.fromSeed(seed)
      return Array.from({ length: 30 }, () => sampleNext(logits, { temperature: 0.8, topK: 4 }, rng))
    }
    expect(draw(9)).toEqual(draw(9))
    expect(draw(9)).not.toEqual(draw(10))
  })

  test('rejects a negative temperature and a non-positive top-k', () => {
    const rng = Prng.fromSeed(5)
    expect(() => sampleNext([1, 2], { temperature: -1 }, rng)).toThrow(
      'temperature must be a finite number ≥ 0, got -1',
    )
    expect(() => sampleNext([1, 2], { topK: 0 }, rng)).toThrow('topK must be a positive integer, got 0')
  })
})

describe('argmax()', () => {
  test('first maximum; NaN never wins', () => {
    expect(argmax([1, 3, 3])).toBe(1)
    expect(argmax([Number.NaN, 0, -1])).toBe(1)
  })
})
