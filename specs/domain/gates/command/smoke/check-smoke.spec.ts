import { describe, expect, test } from 'vitest'
import { COMMAND_DEFAULTS, type SmokeExpectations } from '../../../../../src/domain/gates/command/command-config.ts'
import { checkSmoke } from '../../../../../src/domain/gates/command/smoke/check-smoke.ts'
import type { MetricPoint } from '../../../../../src/domain/gates/command/smoke/read-metrics.ts'

const loss = (values: number[]): MetricPoint[] =>
  values.map((value, i) => ({ step: i + 1, name: 'loss', value, ts: 0 }))
const expectations = (over: Partial<SmokeExpectations>): SmokeExpectations => ({ ...COMMAND_DEFAULTS.expect, ...over })
const ctx = { gate: 'smoke-cpu', seconds: 12, commandText: 'python3 train.py --steps 20' }
const messages = (points: MetricPoint[], over: Partial<SmokeExpectations>) =>
  checkSmoke(points, expectations(over), ctx).map((f) => `${f.rule}: ${f.message}`)

describe('checkSmoke()', () => {
  test('a falling loss within budget passes', () => {
    expect(
      messages(loss([2.3, 1.9, 1.2, 0.8]), {
        falls: { loss: 1 },
        max_seconds: 60,
        final: { loss: { below: 1 } },
        min_steps: 4,
      }),
    ).toEqual([])
  })

  test('a NaN fails naming its step; the fall is judged on finite values', () => {
    expect(messages(loss([2.3, 1.9, Number.NaN, Number.NaN]), { falls: { loss: 0.1 } })).toEqual([
      'non-finite-loss: loss is NaN at step 3',
    ])
  })

  test('a flat loss, a missed final bound, too few steps and a blown budget each say what and by how much', () => {
    expect(
      messages(loss([2.3, 2.29]), {
        falls: { loss: 0.5, acc: 0.1 },
        final: { loss: { below: 1 } },
        min_steps: 5,
        max_seconds: 10,
      }),
    ).toEqual([
      'too-few-steps: the run logged 2 step(s); at least 5 expected',
      'loss-did-not-fall: loss went from 2.3 (step 1) to 2.29 (step 2): fell 0.01, expected at least 0.5',
      'missing-acc: acc was never logged as a finite value; expect.falls needs it at two steps at least',
      'final-loss: loss ended at 2.29 (step 2); expected below 1',
      'too-slow: the run took 12.0 s; the budget is 10 s',
    ])
  })

  test('no metrics at all is one finding that says how to log them', () => {
    const [f] = checkSmoke([], expectations({}), ctx)
    expect(f?.rule).toBe('no-metrics')
    expect(f?.remediation).toContain('{"step": 1, "loss": 2.3}')
  })
})
