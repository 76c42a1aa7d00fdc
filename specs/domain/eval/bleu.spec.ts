import { describe, expect, test } from 'vitest'
import {
  bleuFromStats,
  bleuSignature,
  closestRefLength,
  corpusBleu,
  formatBleu,
} from '../../../src/domain/eval/bleu.ts'

describe('corpusBleu()', () => {
  test('one segment, derived by hand from the definition', () => {
    // hyp "the cat sat on the mat" vs ref "the cat is on the mat" (13a leaves them as is).
    // 1-grams: the×2 cat sat on mat vs the×2 cat is on mat → clipped matches 5 of 6
    // 2-grams: the cat, cat sat, sat on, on the, the mat → the cat, on the, the mat: 3 of 5
    // 3-grams: the cat sat, cat sat on, sat on the, on the mat → on the mat: 1 of 4
    // 4-grams: 0 of 3 → exp smoothing: first zero order gets 100 / (2 · 3)
    // c = r = 6 → BP = 1; BLEU = (83.33 · 60 · 25 · 16.67)^(1/4) ≈ 37.99
    const s = corpusBleu(['the cat sat on the mat'], [['the cat is on the mat']])
    expect(s.counts).toEqual([5, 3, 1, 0])
    expect(s.totals).toEqual([6, 5, 4, 3])
    expect(s.precisions[3]).toBeCloseTo(100 / 6, 12)
    expect(s.bp).toBe(1)
    expect(s.score).toBeCloseTo(((500 / 6) * 60 * 25 * (100 / 6)) ** 0.25, 10)
    expect(s.score).toBeCloseTo(37.99, 2)
  })

  test('statistics are summed over the corpus, not averaged per sentence', () => {
    // segment 1 as above: counts 5/3/1/0 of 6/5/4/3; segment 2 perfect "a b c d": 4/3/2/1 of 4/3/2/1
    // summed: 9/6/3/1 of 10/8/6/4 → (90 · 75 · 50 · 25)^(1/4); c = r = 10 → BP = 1
    const s = corpusBleu(['the cat sat on the mat', 'a b c d'], [['the cat is on the mat', 'a b c d']])
    expect(s.counts).toEqual([9, 6, 3, 1])
    expect(s.totals).toEqual([10, 8, 6, 4])
    expect(s.score).toBeCloseTo((90 * 75 * 50 * 25) ** 0.25, 10)
  })

  test('brevity penalty exp(1 - r/c) and a missing n-gram order', () => {
    // hyp "the cat" (c = 2) vs a 6-token ref: BP = exp(1 - 6/2) = e^-2. Precisions: 2/2, 1/1;
    // no 3- or 4-grams in the hypothesis → the loop stops, their precision stays 0 → BLEU 0.
    const s = corpusBleu(['the cat'], [['the cat is on the mat']])
    expect(s.bp).toBeCloseTo(Math.exp(-2), 12)
    expect(s.precisions).toEqual([100, 100, 0, 0])
    expect(s.score).toBe(0)
  })

  test('closest reference length, ties → the shorter one', () => {
    // hyp has 5 tokens; refs have 4 and 6 → both 1 away → r = 4 → c ≥ r → BP = 1.
    // every hyp n-gram is in ref 2 → precisions 100 → BLEU 100 (with r = 6 it would be 100·e^(1-6/5)).
    const s = corpusBleu(['a b c d e'], [['a b c d'], ['a b c d e f']])
    expect(s.refLen).toBe(4)
    expect(s.score).toBeCloseTo(100, 10)
    expect(closestRefLength(5, [6, 4])).toBe(4)
    expect(closestRefLength(5, [7, 3, 6])).toBe(6)
  })

  test('clipping uses the most any single reference has', () => {
    // hyp "the the the the" vs refs "the cat" and "the the mat": max count of "the" = 2 → 2/4 unigrams
    const s = corpusBleu(['the the the the'], [['the cat'], ['the the mat']])
    expect(s.counts[0]).toBe(2)
    expect(s.totals[0]).toBe(4)
  })

  test('edge cases: empty hypothesis, no overlap, perfect match, empty reference', () => {
    const empty = corpusBleu([''], [['the cat']])
    expect(empty).toMatchObject({ score: 0, bp: 0, sysLen: 0, refLen: 2 })
    const none = corpusBleu(['dog'], [['the cat']])
    expect(none.score).toBe(0)
    expect(none.bp).toBeCloseTo(Math.exp(1 - 2 / 1), 12)
    expect(corpusBleu(['The cat sat on the mat.'], [['The cat sat on the mat.']]).score).toBeCloseTo(100, 10)
    // sacreBLEU 2.6 keeps an empty reference as a reference of length 0
    expect(corpusBleu(['a b c d'], [['a b c d'], ['']]).refLen).toBe(4)
    expect(() => corpusBleu(['a'], [['a', 'b']])).toThrow(/1 hypotheses but reference stream 0 has 2 lines/)
    expect(() => corpusBleu(['a'], [])).toThrow(/no reference streams/)
  })

  test('exp smoothing doubles for each further zero order', () => {
    // counts 2/0/0/0 → BLEU 0 only if nothing matches; here unigrams match:
    // p1 = 100·2/4 = 50, p2 = 100/(2·3), p3 = 100/(4·2), p4 = 100/(8·1)
    const s = bleuFromStats([2, 0, 0, 0], [4, 3, 2, 1], 4, 4)
    expect(s.precisions).toEqual([50, 100 / 6, 100 / 8, 100 / 8])
    expect(s.score).toBeCloseTo((50 * (100 / 6) * 12.5 * 12.5) ** 0.25, 10)
  })
})

describe('bleuSignature() and formatBleu()', () => {
  test('sacreBLEU-style signature and line', () => {
    expect(bleuSignature(2)).toBe('nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:codex-gates-bleu-1')
    const line = formatBleu(corpusBleu(['the cat sat on the mat'], [['the cat is on the mat']]))
    expect(line).toBe(
      'BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:codex-gates-bleu-1 = 37.99 83.3/60.0/25.0/16.7 (BP = 1.000 ratio = 1.000 hyp_len = 6 ref_len = 6)',
    )
  })
})
