import { describe, expect, test } from 'vitest'
import { BatchSampler, evalBatches } from '../../../src/domain/train/batches.ts'

const tokens = Int32Array.from({ length: 100 }, (_, i) => i)

describe('BatchSampler', () => {
  test('each row is a window and its targets are the window shifted by one token', () => {
    const sampler = BatchSampler.create(tokens, 8, 42)
    const batch = sampler.next(3, { x: new Int32Array(24), y: new Int32Array(24) })
    for (let r = 0; r < 3; r++) {
      const start = batch.x[r * 8] as number
      expect([...batch.x.slice(r * 8, r * 8 + 8)]).toEqual(Array.from({ length: 8 }, (_, i) => start + i))
      expect([...batch.y.slice(r * 8, r * 8 + 8)]).toEqual(Array.from({ length: 8 }, (_, i) => start + i + 1))
    }
    expect(BatchSampler.windows(tokens, 8)).toBe(92)
  })

  test('a sampler resumed from a cursor continues with exactly the same windows, across epochs', () => {
    const straight = BatchSampler.create(tokens, 8, 5)
    const head = BatchSampler.create(tokens, 8, 5)
    const take = (s: BatchSampler, n: number) => [
      ...s.next(n, { x: new Int32Array(n * 8), y: new Int32Array(n * 8) }).x,
    ]
    take(head, 70)
    const resumed = BatchSampler.resume(tokens, 8, head.cursor())
    take(straight, 70)
    expect(take(resumed, 60)).toEqual(take(straight, 60))
    expect(resumed.cursor()).toEqual(straight.cursor())
    expect(straight.epoch).toBeCloseTo(1 + 38 / 92, 10)
  })

  test('a cursor from other data is refused with the reason', () => {
    const cursor = BatchSampler.create(tokens, 8, 5).cursor()
    expect(() => BatchSampler.resume(tokens.subarray(0, 90), 8, cursor)).toThrow('cannot resume the data order')
  })
})

describe('evalBatches()', () => {
  test('fixed, non-overlapping windows from the start; at most `iters` full batches', () => {
    const batches = evalBatches(tokens, 10, 3, 5)
    expect(batches).toHaveLength(3) // 9 windows of 10 (+1 target) fit: 3 full batches
    expect([...(batches[1]?.x.slice(0, 10) ?? [])]).toEqual(Array.from({ length: 10 }, (_, i) => 30 + i))
    expect(batches[2]?.y[29]).toBe(90)
    expect(evalBatches(tokens, 10, 3, 2)).toHaveLength(2)
    expect(() => evalBatches(tokens.subarray(0, 20), 10, 3, 2)).toThrow('fewer than one eval batch of 3')
  })
})
