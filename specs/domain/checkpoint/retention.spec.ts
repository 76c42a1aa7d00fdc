import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { planRetention, type RetentionEntry, rankByMetric } from '../../../src/domain/checkpoint/retention.ts'

const e = (step: number, metric?: number): RetentionEntry => ({ name: `ckpt-${step}`, step, metric })
const none = { keepBest: 0, keepLast: 0, keepEvery: 0, mode: 'min' as const }

describe('rankByMetric()', () => {
  test('ranks by mode, NaN after every number, ties to the earlier step, unmeasured left out', () => {
    const entries = [e(1, 0.5), e(2, Number.NaN), e(3, 0.2), e(4), e(5, 0.2), e(6, Number.NEGATIVE_INFINITY)]
    expect(rankByMetric(entries, 'min').map((x) => x.step)).toEqual([6, 3, 5, 1, 2])
    expect(rankByMetric(entries, 'max').map((x) => x.step)).toEqual([1, 3, 5, 6, 2])
  })
})

describe('planRetention()', () => {
  test('keeps the best k, the last n and every m-th step, removing the rest highest step first', () => {
    const entries = [e(10, 3), e(20, 1), e(30, 2), e(40, 5), e(50, 4), e(60, 6)]
    const plan = planRetention(entries, { keepBest: 2, keepLast: 1, keepEvery: 40, mode: 'min' })
    expect(plan.best).toBe('ckpt-20')
    expect(plan.keep).toEqual(['ckpt-60', 'ckpt-40', 'ckpt-30', 'ckpt-20'])
    expect(plan.remove).toEqual(['ckpt-50', 'ckpt-10'])
  })

  test('rotates by step number, not by name order', () => {
    const plan = planRetention([e(9), e(10), e(100), e(11)], { ...none, keepLast: 2 })
    expect(plan.keep).toEqual(['ckpt-100', 'ckpt-11'])
  })

  test('never removes protected names or the current best, even with every rule at zero', () => {
    const plan = planRetention([e(1, 9), e(2, 1), e(3, 5)], none, new Set(['ckpt-3']))
    expect(plan.keep).toEqual(['ckpt-3', 'ckpt-2'])
    expect(plan.remove).toEqual(['ckpt-1'])
  })

  test('a NaN metric never displaces a number from the best k', () => {
    const plan = planRetention([e(1, Number.NaN), e(2, 7), e(3, Number.NaN)], { ...none, keepBest: 1, mode: 'max' })
    expect(plan.keep).toEqual(['ckpt-2'])
  })

  const entriesArb = fc
    .uniqueArray(fc.nat({ max: 500 }), { minLength: 1, maxLength: 20 })
    .chain((steps) =>
      fc.tuple(
        ...steps.map((step) =>
          fc
            .option(fc.oneof(fc.double({ noNaN: true }), fc.constant(Number.NaN)), { nil: undefined })
            .map((metric) => e(step, metric)),
        ),
      ),
    )

  test('property: protected, best, best-k, last-n and every-m all survive; keep and remove partition the input', () => {
    fc.assert(
      fc.property(
        entriesArb,
        fc.nat({ max: 4 }),
        fc.nat({ max: 4 }),
        fc.nat({ max: 50 }),
        fc.constantFrom('min' as const, 'max' as const),
        fc.nat(),
        (entries, keepBest, keepLast, keepEvery, mode, pick) => {
          const protectedName = (entries[pick % entries.length] as RetentionEntry).name
          const plan = planRetention(entries, { keepBest, keepLast, keepEvery, mode }, new Set([protectedName]))
          const kept = new Set(plan.keep)
          expect(kept.has(protectedName)).toBe(true)
          if (plan.best) expect(kept.has(plan.best)).toBe(true)
          for (const x of rankByMetric(entries, mode).slice(0, keepBest)) expect(kept.has(x.name)).toBe(true)
          for (const x of [...entries].sort((a, b) => b.step - a.step).slice(0, keepLast))
            expect(kept.has(x.name)).toBe(true)
          if (keepEvery > 0) for (const x of entries) if (x.step % keepEvery === 0) expect(kept.has(x.name)).toBe(true)
          expect([...plan.keep, ...plan.remove].sort()).toEqual(entries.map((x) => x.name).sort())
          expect(plan.remove.filter((n) => kept.has(n))).toEqual([])
        },
      ),
      { numRuns: 300 },
    )
  })
})
