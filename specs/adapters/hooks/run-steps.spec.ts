import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { inlineSteps, runInline } from '../../../src/adapters/hooks/run-inline.ts'
import { GateRunner, judge, type PlannedStep, type StepOutcome } from '../../../src/adapters/hooks/run-steps.ts'
import { buildBaseline } from '../../../src/domain/gates/baseline.ts'
import { makeFinding } from '../../../src/domain/gates/finding.ts'
import { GATE_DEFAULTS } from '../../../src/domain/gates/gates-config.ts'
import { tempDir } from '../../support/temp-dir.ts'

const root = tempDir('run-steps-')
writeFileSync(join(root, '.env'), 'A=1\n')
writeFileSync(join(root, 'small.txt'), 'hello\n')
// ~6 MB of text with many keyword hits: the secrets scan of it takes far longer than 5 ms.
writeFileSync(join(root, 'big.txt'), 'token = value_of_the_token_here\n'.repeat(180_000))

function step(name: keyof typeof GATE_DEFAULTS, files: string[], extra: Partial<PlannedStep> = {}): PlannedStep {
  const config = { ...GATE_DEFAULTS[name], max_file_bytes: 64 * 1024 * 1024 }
  return { name, files, config, timeoutMs: 60_000, severity: {}, ...extra }
}

describe('GateRunner', () => {
  test('runs each gate in the worker and reports findings, status and duration per step', async () => {
    const runner = new GateRunner(['env-files', 'large-files'])
    const outcomes = await runner.run(root, [
      step('env-files', ['.env', 'small.txt']),
      step('large-files', ['small.txt']),
    ])
    expect(outcomes.map((o) => [o.name, o.status, o.findings.length, o.files])).toEqual([
      ['env-files', 'failed', 1, 2],
      ['large-files', 'passed', 0, 1],
    ])
    expect(outcomes[0]?.findings[0]).toMatchObject({ file: '.env', rule: 'committed-env-file' })
    for (const o of outcomes) expect(o.durationMs).toBeGreaterThanOrEqual(0)
  }, 60_000)

  test('a step past its timeout is stopped and recorded; the steps after it still run in a fresh worker', async () => {
    const runner = new GateRunner(['secrets', 'env-files'])
    const outcomes = await runner.run(root, [
      step('secrets', ['big.txt'], { timeoutMs: 5 }),
      step('env-files', ['.env']),
    ])
    expect(outcomes[0]).toMatchObject({ name: 'secrets', status: 'timeout', reason: 'timed out after 5 ms' })
    expect(outcomes[1]).toMatchObject({ name: 'env-files', status: 'failed' })
  }, 60_000)

  test('an aborted run marks the unfinished steps interrupted', async () => {
    const runner = new GateRunner(['secrets'])
    const controller = new AbortController()
    const running = runner.run(root, [step('secrets', ['big.txt']), step('env-files', ['.env'])], controller.signal)
    setTimeout(() => controller.abort(), 30)
    const outcomes = await running
    expect(outcomes.map((o) => o.status)).toEqual(['interrupted', 'interrupted'])
  }, 60_000)

  test('a gate that throws is an error outcome with its message, not a crash', async () => {
    const runner = new GateRunner(['placeholders'])
    writeFileSync(join(root, 'bad-baseline.json'), '{ not json')
    const outcomes = await runner.run(root, [
      step('placeholders', ['small.txt'], {
        config: { ...GATE_DEFAULTS.placeholders, baseline: 'bad-baseline.json' },
      }),
    ])
    expect(outcomes[0]?.status).toBe('error')
    expect(outcomes[0]?.reason).toContain('bad-baseline.json')
  }, 60_000)
})

describe('GateRunner, light scans inline', () => {
  const light = new Set(['secrets', 'env-files', 'large-files', 'placeholders'])
  const steps = () => [
    step('secrets', ['small.txt', '.env']),
    step('env-files', ['.env', 'small.txt']),
    step('large-files', ['small.txt']),
    step('placeholders', ['small.txt']),
  ]
  const comparable = (outcomes: StepOutcome[]) =>
    outcomes.map((o) => ({ ...o, durationMs: 0, events: o.events.map((e) => e.message) }))

  test('small inputs run on this thread with the outcomes the worker gives, and no worker is started', async () => {
    const inWorker = await new GateRunner([]).run(root, steps())
    expect(inlineSteps(root, steps(), light).map((s) => s.name)).toEqual([...light])
    const inline = await new GateRunner([], [], light).run(root, steps())
    expect(comparable(inline)).toEqual(comparable(inWorker))
    expect(inline.map((o) => o.status)).toEqual(['passed', 'failed', 'passed', 'passed'])
  }, 60_000)

  test('inputs over the cap, and gates not named light, stay in the worker', () => {
    expect(inlineSteps(root, [step('secrets', ['big.txt'])], light)).toEqual([])
    expect(
      inlineSteps(root, [step('secrets', ['small.txt']), step('docs-links', ['small.txt'])], light).map((s) => s.name),
    ).toEqual(['secrets'])
    expect(inlineSteps(root, [step('secrets', ['gone.txt'])], light)).toEqual([])
  })

  test('inline, a throwing gate is an error outcome, a scan past its timeout is a timeout, an abort interrupts', async () => {
    writeFileSync(join(root, 'bad-baseline-2.json'), '{ not json')
    const outcomes = new Map<string, StepOutcome>()
    const controller = new AbortController()
    await runInline(
      root,
      [
        step('placeholders', ['small.txt'], {
          config: { ...GATE_DEFAULTS.placeholders, baseline: 'bad-baseline-2.json' },
        }),
        step('env-files', ['.env'], { timeoutMs: -1 }),
      ],
      outcomes,
      controller.signal,
    )
    expect(outcomes.get('placeholders')).toMatchObject({ status: 'error' })
    expect(outcomes.get('placeholders')?.reason).toContain('bad-baseline-2.json')
    expect(outcomes.get('env-files')).toMatchObject({ status: 'timeout', reason: 'timed out after -1 ms' })
    controller.abort()
    const after = new Map<string, StepOutcome>()
    await runInline(root, [step('large-files', ['small.txt'])], after, controller.signal)
    expect(after.size).toBe(0) // the runner marks what never ran interrupted
    const runner = await new GateRunner([], [], light).run(
      root,
      [step('large-files', ['small.txt'])],
      controller.signal,
    )
    expect(runner.map((o) => o.status)).toEqual(['interrupted'])
  }, 60_000)
})

describe('judge()', () => {
  const f = (rule: string, file: string, severity: 'error' | 'warn' = 'error') =>
    makeFinding({ gate: 'g', rule, severity, file, line: 1, message: rule, remediation: 'fix it' })

  test('applies severity overrides: off drops, warn demotes, error promotes', () => {
    const result = judge([f('a', 'x'), f('b', 'x'), f('c', 'x', 'warn')], { a: 'off', b: 'warn', c: 'error' })
    expect(result.findings.map((x) => [x.rule, x.severity])).toEqual([
      ['b', 'warn'],
      ['c', 'error'],
    ])
    expect(result.failed).toBe(true)
    expect(judge([f('a', 'x')], { a: 'warn' }).failed).toBe(false)
  })

  test('with reportOnly, findings in other files do not count', () => {
    const result = judge([f('a', 'staged.md'), f('a', 'other.md')], {}, ['staged.md'])
    expect(result.findings.map((x) => x.file)).toEqual(['staged.md'])
    expect(judge([f('a', 'other.md')], {}, ['staged.md']).failed).toBe(false)
  })

  test("a finding the gate's baseline accepts warns; a second copy of it still fails the step", () => {
    const baseline = buildBaseline('g', [f('a', 'x.py')])
    const one = judge([f('a', 'x.py')], {}, undefined, baseline)
    expect([one.failed, one.findings[0]?.message]).toEqual([false, 'a (baselined)'])
    expect(judge([f('a', 'x.py'), f('a', 'x.py')], {}, undefined, baseline).failed).toBe(true)
  })
})
