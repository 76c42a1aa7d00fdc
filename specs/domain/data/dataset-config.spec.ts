import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { loadDatasetConfig, parseDatasetConfig } from '../../../src/domain/data/dataset-config.ts'

const minimal = { name: 'tiny', source: 'x.jsonl', record_schema: 'text', seed: 1, splits: { train: 0.9, val: 0.1 } }

describe('parseDatasetConfig()', () => {
  test('fills defaults', () => {
    expect(parseDatasetConfig(minimal)).toEqual({
      ...minimal,
      text_fields: ['text'],
      skip_invalid: false,
      artifacts_dir: join('runs', 'datasets'),
      safety: { policy: undefined, bypass: false },
      tokenizer: undefined,
    })
    expect(parseDatasetConfig({ ...minimal, record_schema: 'prompt-completion' }).text_fields).toEqual([
      'prompt',
      'completion',
    ])
  })

  test('names every bad field', () => {
    const bad = () => parseDatasetConfig({ ...minimal, seed: -1, sorce: 'y' }, 'cfg.json')
    expect(bad).toThrow(/^cfg\.json: /)
    expect(bad).toThrow(/\/seed must be >= 0/)
    expect(bad).toThrow(/\/sorce: unknown field/)
    expect(() => parseDatasetConfig({ name: 'x' }, 'cfg.json')).toThrow(/\/ must have "source"/)
    expect(() => parseDatasetConfig({ ...minimal, splits: { train: 0.5, val: 0.1 } }, 'cfg.json')).toThrow(
      /cfg\.json: splits ratios sum to 0\.6/,
    )
    expect(() => parseDatasetConfig({ ...minimal, tokenizer: { kind: 'bpe' } })).toThrow(
      /\/tokenizer must have "vocab_size"$/,
    )
    expect(() => parseDatasetConfig({ ...minimal, tokenizer: { kind: 'sentencepiece' } })).toThrow(
      /\/tokenizer\/kind must be one of "bpe", "char", "file", got "sentencepiece"$/,
    )
  })

  test('every shipped config under configs/datasets is valid', () => {
    const dir = join('configs', 'datasets')
    const configs = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'safety-policy.json')
    expect(configs.length).toBeGreaterThan(0)
    for (const file of configs) expect(loadDatasetConfig(join(dir, file)).name).toBe(file.replace(/\.json$/, ''))
  })
})
