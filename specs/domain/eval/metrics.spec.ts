import { describe, expect, test } from 'vitest'
import { formatMetricResult, METRICS, metricByName } from '../../../src/domain/eval/metrics.ts'

const hyps = ['the cat sat', 'a dog barked loudly']
const refs = [['the cat sat on the mat', 'dog']]

describe('METRICS', () => {
  test('rougeL: corpus F from summed LCS stats, plus the mean of line F', () => {
    // line 1: target 6 tokens, prediction 3, LCS 3 → P 1, R 1/2, F 2/3
    // line 2: target [dog], prediction [a dog barked loudly], LCS 1 → P 1/4, R 1, F 0.4
    // mean of lines = (2/3 + 0.4)/2 = 0.5333; summed: LCS 4, target 7, prediction 7 → F 4/7
    const r = METRICS.rougeL.corpus(hyps, refs)
    expect(r.lineMean).toBeCloseTo(100 * ((2 / 3 + 0.4) / 2), 10)
    expect(r.score).toBeCloseTo((100 * 4) / 7, 10)
    expect(METRICS.rougeL.line?.('the cat sat', ['x', 'the cat sat'])).toBe(1)
  })

  test("f1: the headline is SQuAD's mean over lines of the best F1; the micro F over summed tokens is extra", () => {
    // line 1: [cat sat] vs [cat sat on mat] → P 1, R 1/2, F 2/3
    // line 2: [dog barked loudly] vs [dog] → P 1/3, R 1, F 1/2
    // mean = 7/12; summed: same 3, pred 5, gold 5 → micro F 3/5
    const r = METRICS.f1.corpus(hyps, refs)
    expect(r.score).toBeCloseTo((100 * 7) / 12, 10)
    expect(r.lineMean).toBeCloseTo((100 * 7) / 12, 10)
    expect(r.details.micro_f1).toBeCloseTo(60, 10)
  })

  test("f1 on the three lines of the report: 72.22 as SQuAD's evaluate script, not the micro 71.43", () => {
    // line 1: [cat sat] vs [cat sat] → same 2, pred 2, gold 2 → F 1
    // line 2: [red fox ran off] vs [red fox] → same 2, pred 4, gold 2 → P 1/2, R 1, F 2/3
    // line 3: [dog] vs [dog barked loudly] → same 1, pred 1, gold 3 → P 1, R 1/3, F 1/2
    // SQuAD: 100 · (1 + 2/3 + 1/2) / 3 = 100 · 13/18 = 72.22
    // micro: same 5, pred 7, gold 7 → P = R = 5/7 → 71.43
    const r = METRICS.f1.corpus(
      ['The cat sat.', 'a red fox ran off', 'dog'],
      [['cat sat', 'red fox', 'the dog barked loudly']],
    )
    expect(r.score).toBeCloseTo((100 * 13) / 18, 10)
    expect(r.details).toMatchObject({ same: 5, pred_tokens: 7, gold_tokens: 7 })
    expect(r.details.micro_f1).toBeCloseTo((100 * 5) / 7, 10)
    expect(formatMetricResult(r)).toBe('F1 = 72.22 (mean of lines; micro F1 = 71.43 P = 71.43 R = 71.43)')
  })

  test('em and accuracy', () => {
    expect(METRICS.em.corpus(['The Cat!', 'dog'], [['cat', 'cat']]).score).toBe(50)
    // accuracy: line 1 3 of 6 positions, line 2 "a" ≠ "dog" → 0 of 1 → 3/7
    expect(METRICS.accuracy.corpus(hyps, refs).score).toBeCloseTo((100 * 3) / 7, 10)
    // with a second reference stream the best reference per line is used: line 2 vs "a dog" → 2/2
    expect(METRICS.accuracy.corpus(hyps, [...refs, ['x', 'a dog']]).score).toBeCloseTo((100 * 5) / 8, 10)
  })

  test('bleu carries the signature', () => {
    const r = METRICS.bleu.corpus(['the cat sat on the mat'], [['the cat is on the mat']])
    expect(r.signature).toBe('nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:codex-gates-bleu-1')
    expect(formatMetricResult(r)).toMatch(/^BLEU\|nrefs:1\|.* = 37\.99 83\.3\/60\.0\/25\.0\/16\.7 \(BP = 1\.000/)
    expect(formatMetricResult(METRICS.em.corpus(['a'], [['a']]))).toBe('EM = 100.00 (1/1 lines match)')
  })
})

describe('metricByName()', () => {
  test('finds by name or names the nearest', () => {
    expect(metricByName('rougeL').key).toBe('rougeL')
    expect(() => metricByName('blue')).toThrow(/--metric: no metric named "blue"/)
    expect(() => metricByName('blue')).toThrow(
      expect.objectContaining({ hint: expect.stringMatching(/did you mean bleu\?/) }),
    )
    expect(() => metricByName('toString')).toThrow(/no metric named "toString"/)
  })
})
