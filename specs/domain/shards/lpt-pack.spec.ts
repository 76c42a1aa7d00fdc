import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { countPack, type Job, lowerBound, lptPack, makespan, median } from '../../../src/domain/shards/lpt-pack.ts'

const name = (i: number) => `specs/f-${String(i).padStart(4, '0')}.spec.ts`

/**
 * A skewed suite: n shards, 100n–150n files, the last quarter by path slow (20–40 ms) and the rest
 * fast (1–4 ms), as a suite whose smoke or integration specs sit together in one folder.
 */
const skewedSuite = fc.integer({ min: 2, max: 8 }).chain((n) =>
  fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 100 * n, maxLength: 150 * n }).map((u) => ({
    n,
    jobs: u.map((x, i): Job => ({ file: name(i), durationMs: i >= u.length * 0.75 ? 20 + 20 * x : 1 + 3 * x })),
  })),
)

const anySuite = fc.record({
  n: fc.integer({ min: 1, max: 8 }),
  jobs: fc
    .array(fc.double({ min: 0, max: 1000, noNaN: true }), { maxLength: 60 })
    .map((d) => d.map((durationMs, i): Job => ({ file: name(i), durationMs }))),
})

describe('lptPack()', () => {
  test('every file lands in exactly one shard and the totals add up', () => {
    fc.assert(
      fc.property(anySuite, ({ n, jobs }) => {
        const bins = lptPack(jobs, n)
        expect(bins).toHaveLength(n)
        expect(bins.flatMap((b) => b.files).sort()).toEqual(jobs.map((j) => j.file).sort())
        const total = jobs.reduce((s, j) => s + j.durationMs, 0)
        expect(bins.reduce((s, b) => s + b.totalMs, 0)).toBeCloseTo(total, 6)
      }),
    )
  })

  test("never worse than Graham's bound: the lower bound plus the longest file", () => {
    fc.assert(
      fc.property(anySuite, ({ n, jobs }) => {
        const longest = jobs.reduce((m, j) => Math.max(m, j.durationMs), 0)
        expect(makespan(lptPack(jobs, n))).toBeLessThanOrEqual(lowerBound(jobs, n) + longest + 1e-9)
      }),
    )
  })

  test('a skewed suite: the critical path within 5% of the bound, ≥ 25% shorter than file-count shards', () => {
    fc.assert(
      fc.property(skewedSuite, ({ n, jobs }) => {
        const balanced = makespan(lptPack(jobs, n))
        const byCount = makespan(countPack(jobs, n))
        expect(balanced).toBeLessThanOrEqual(lowerBound(jobs, n) * 1.05)
        expect(balanced).toBeLessThanOrEqual(byCount * 0.75)
      }),
      { numRuns: 200 },
    )
  })

  test('the same jobs in any order give the same plan', () => {
    fc.assert(
      fc.property(anySuite, fc.integer(), ({ n, jobs }, seed) => {
        const shuffled = [...jobs].sort(
          (a, b) => ((a.file.length * seed) % 7) - ((b.file.length * seed) % 7) || b.file.localeCompare(a.file),
        )
        expect(lptPack(shuffled, n)).toEqual(lptPack(jobs, n))
      }),
    )
  })
})

describe('median()', () => {
  test('middle value, mean of the two middle ones, 0 for none', () => {
    expect(median([5, 1, 3])).toBe(3)
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(median([])).toBe(0)
  })
})
