import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { parseDatasetConfig } from '../../../src/domain/data/dataset-config.ts'
import { prepareDataset } from '../../../src/domain/data/prepare-dataset.ts'
import {
  type EvalExample,
  type EvalModel,
  evalMetricRecords,
  runEval,
  splitExamples,
} from '../../../src/domain/eval/run-eval.ts'
import { tempDir } from '../../support/temp-dir.ts'

const examples: EvalExample[] = [
  { id: 'a', input: 'Capital of France?', references: ['Paris'] },
  { id: 'b', input: 'Opposite of hot?', references: ['cold', 'freezing'] },
]

/** A model with known outputs and token scores. */
const model: EvalModel = {
  generate: (input) => (input.startsWith('Capital') ? 'Paris' : 'warm'),
  // a: 2 tokens with p = 1/2 each → NLL 2 ln 2, 1 correct; b: 1 token with p = 1/8 → NLL ln 8, 1 correct
  score: (example) =>
    example.id === 'a'
      ? { nllSum: 2 * Math.log(2), tokens: 2, correct: 1 }
      : { nllSum: Math.log(8), tokens: 1, correct: 1 },
}

describe('runEval()', () => {
  test('scores generations per line and over the split; perplexity from summed NLL', async () => {
    const rows: unknown[] = []
    const report = await runEval({
      split: 'val',
      examples,
      model,
      metrics: ['em', 'f1', 'bleu'],
      onRow: (r) => rows.push(r),
    })
    expect(report.examples).toBe(2)
    expect(report.rows.map((r) => [r.id, r.hypothesis, r.em, r.f1])).toEqual([
      ['a', 'Paris', 1, 1],
      ['b', 'warm', 0, 0],
    ])
    expect(rows).toHaveLength(2)
    expect(report.metrics.em?.score).toBe(50)
    expect(report.metrics.bleu?.signature).toMatch(/^nrefs:2\|/)
    // Σ NLL = 2 ln 2 + 3 ln 2 = 5 ln 2 over 3 tokens → 2^(5/3) ≈ 3.175 (a mean of per-example means would give 4)
    expect(report.perplexity).toBeCloseTo(2 ** (5 / 3), 12)
    expect(report.tokenAccuracy).toBeCloseTo(2 / 3, 12)
    expect(report.tokens).toBe(3)
  })

  test('perplexity only, a limit, and clear errors when the model cannot do what is asked', async () => {
    const onlyScore: EvalModel = { score: model.score }
    const report = await runEval({ split: 'test', examples, model: onlyScore, limit: 1 })
    expect(report.examples).toBe(1)
    expect(report.metrics).toEqual({})
    expect(report.perplexity).toBeCloseTo(2, 12)
    await expect(runEval({ split: 'test', examples, model: onlyScore, metrics: ['bleu'] })).rejects.toThrow(
      /metrics bleu need generations but the model has no generate\(\)/,
    )
    await expect(runEval({ split: 'test', examples, model: { generate: () => '' } })).rejects.toThrow(
      /nothing to compute/,
    )
    await expect(runEval({ split: 'test', examples, model, metrics: ['blue'] })).rejects.toThrow(
      /eval metrics: no metric named "blue"/,
    )
    await expect(
      runEval({ split: 'test', examples: [{ id: 'x', input: 'i', references: [] }], model, metrics: ['em'] }),
    ).rejects.toThrow(/example x has no reference/)
  })

  test('evalMetricRecords: rows for the ledger metrics table', async () => {
    const report = await runEval({ split: 'val', examples, model, metrics: ['em'] })
    const records = evalMetricRecords('run-1', 10, report, 1234)
    expect(records.map((r) => r.row)).toEqual([
      { run_id: 'run-1', step: 10, name: 'val/em', value: 50, is_nan: 0, ts: 1234 },
      { run_id: 'run-1', step: 10, name: 'val/perplexity', value: report.perplexity, is_nan: 0, ts: 1234 },
      { run_id: 'run-1', step: 10, name: 'val/token_accuracy', value: report.tokenAccuracy, is_nan: 0, ts: 1234 },
    ])
    expect(records.every((r) => r.table === 'metrics')).toBe(true)
    const nan = evalMetricRecords('r', 0, { ...report, metrics: {}, perplexity: Number.NaN, tokenAccuracy: undefined })
    expect(nan[0]?.row).toMatchObject({ value: null, is_nan: 1 })
  })
})

describe('splitExamples()', () => {
  test('streams a prepared split as examples', async () => {
    const dir = tempDir()
    const prepared = await prepareDataset(
      parseDatasetConfig({
        name: 'qa',
        source: join('specs', 'fixtures', 'data', 'qa.jsonl'),
        record_schema: 'prompt-completion',
        seed: 1,
        splits: { val: 1 },
        artifacts_dir: dir,
      }),
    )
    const got: EvalExample[] = []
    for await (const e of splitExamples(prepared.manifestPath, 'val')) got.push(e)
    expect(got).toEqual([
      { id: 'val:0', input: '2+2?', references: ['4'] },
      { id: 'val:1', input: 'Capital of France?', references: ['Paris'] },
      { id: 'val:2', input: 'Opposite of hot?', references: ['cold'] },
    ])
    const report = await runEval({
      split: 'val',
      examples: splitExamples(prepared.manifestPath, 'val'),
      model,
      metrics: ['em'],
    })
    expect(report.metrics.em?.score).toBeCloseTo(100 / 3, 10)
    await expect(splitExamples(prepared.manifestPath, 'train').next()).rejects.toThrow(/no split "train"/)
    await expect(splitExamples(prepared.manifestPath, 'val', { inputField: 'question' }).next()).rejects.toThrow(
      /qa\/.*val\.jsonl:1 \/question: expected the input text/,
    )
  })
})
