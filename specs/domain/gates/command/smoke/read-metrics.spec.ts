import { describe, expect, test } from 'vitest'
import { COMMAND_DEFAULTS } from '../../../../../src/domain/gates/command/command-config.ts'
import { parseMetricNumber, readMetrics } from '../../../../../src/domain/gates/command/smoke/read-metrics.ts'

const jsonLines = COMMAND_DEFAULTS.metrics
const at = 1_700_000_000_000

describe('readMetrics()', () => {
  test("JSON lines as Python's json.dumps writes them, bare NaN and Infinity included; logs ignored", () => {
    const out = [
      'epoch 0: loading 64 samples',
      '{"step": 1, "loss": 2.5, "lr": 0.001, "ts": 1700000000.5}',
      '{"step": 2, "loss": NaN, "grad_norm": Infinity}',
      '{"step": 3, "loss": -Infinity, "note": "a string is no metric"}',
    ].join('\n')
    expect(readMetrics(out, jsonLines, at)).toEqual([
      { step: 1, name: 'loss', value: 2.5, ts: 1_700_000_000_500 },
      { step: 1, name: 'lr', value: 0.001, ts: 1_700_000_000_500 },
      { step: 2, name: 'loss', value: Number.NaN, ts: at },
      { step: 2, name: 'grad_norm', value: Number.POSITIVE_INFINITY, ts: at },
      { step: 3, name: 'loss', value: Number.NEGATIVE_INFINITY, ts: at },
    ])
  })

  test('key=value pairs; a record without a step counts 1, 2, 3', () => {
    const out = 'it=0 loss=2.30 acc=0.1\nsaving checkpoint\nit=1 loss=nan acc=0.2'
    expect(readMetrics(out, { format: 'key-value', step_key: 'it' }, at).map((p) => [p.step, p.name, p.value])).toEqual(
      [
        [0, 'loss', 2.3],
        [0, 'acc', 0.1],
        [1, 'loss', Number.NaN],
        [1, 'acc', 0.2],
      ],
    )
    expect(
      readMetrics('loss=1.5\nloss=1.25', { format: 'key-value', step_key: 'step' }, at).map((p) => p.step),
    ).toEqual([1, 2])
  })

  test('a regex with named groups, as a Hugging Face-style log line', () => {
    const re =
      "\\{'loss': (?<loss>[\\d.e-]+|nan), 'learning_rate': (?<lr>[\\d.e-]+), 'epoch': [\\d.]+, 'step': (?<step>\\d+)\\}"
    const out =
      "{'loss': 2.1, 'learning_rate': 5e-05, 'epoch': 0.1, 'step': 10}\n{'loss': nan, 'learning_rate': 4e-05, 'epoch': 0.2, 'step': 20}"
    expect(
      readMetrics(out, { format: 'regex', pattern: re, step_key: 'step' }, at).map((p) => [p.step, p.name, p.value]),
    ).toEqual([
      [10, 'loss', 2.1],
      [10, 'lr', 5e-5],
      [20, 'loss', Number.NaN],
      [20, 'lr', 4e-5],
    ])
  })
})

describe('parseMetricNumber()', () => {
  test('numbers, nan and the infinities in the spellings frameworks print; words are not numbers', () => {
    expect(
      ['1', '-2.5e-3', '.5', 'nan', 'NaN', 'inf', '-inf', 'Infinity', '+inf', 'n/a', '1.2.3', ''].map(
        parseMetricNumber,
      ),
    ).toEqual([
      1,
      -0.0025,
      0.5,
      Number.NaN,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.POSITIVE_INFINITY,
      Number.POSITIVE_INFINITY,
      undefined,
      undefined,
      undefined,
    ])
  })
})
