import { describe, expect, test } from 'vitest'
import { type FindingMeta, type HasMeta, recordToLedger } from '../../src/ledger/ledger-meta.ts'

const finding = (rule: string): FindingMeta => ({
  gate: 'secrets',
  severity: 'error',
  rule,
  file: 'a.ts',
  line: 1,
  message: 'm',
  fingerprint: rule,
})

describe('recordToLedger()', () => {
  test('on a test with no meta yet: sets it as given', () => {
    const task: HasMeta = { meta: {} }
    recordToLedger(task, { findings: [finding('r1')], step: 'gates' })
    expect(task.meta.codexLedger).toEqual({
      findings: [finding('r1')],
      step: 'gates',
      events: undefined,
      artifacts: undefined,
      trainingRuns: undefined,
    })
  })

  test('arrays append across calls, in order; scalars are replaced by the later call', () => {
    const task: HasMeta = { meta: {} }
    recordToLedger(task, {
      findings: [finding('r1')],
      events: [{ role: 'tool', message: 'first' }],
      gate: { gate: 'secrets', status: 'passed' },
      durationMs: 5,
    })
    recordToLedger(task, {
      findings: [finding('r2')],
      artifacts: [{ kind: 'ckpt', path: 'a.safetensors' }],
      trainingRuns: [{ run: { id: 'run-1' } }],
      gate: { gate: 'secrets', status: 'failed' },
      file: 'tests/test_a.py',
    })
    recordToLedger(task, {
      events: [{ role: 'assistant', message: 'second' }],
      trainingRuns: [{ run: { id: 'run-2' } }],
    })
    expect(task.meta.codexLedger).toEqual({
      findings: [finding('r1'), finding('r2')],
      events: [
        { role: 'tool', message: 'first' },
        { role: 'assistant', message: 'second' },
      ],
      artifacts: [{ kind: 'ckpt', path: 'a.safetensors' }],
      trainingRuns: [{ run: { id: 'run-1' } }, { run: { id: 'run-2' } }],
      gate: { gate: 'secrets', status: 'failed' },
      durationMs: 5,
      file: 'tests/test_a.py',
    })
  })

  test('a call without an array keeps the array recorded before (no copy made)', () => {
    const findings = [finding('r1')]
    const task: HasMeta = { meta: { codexLedger: { findings } } }
    recordToLedger(task, { context: 'why' })
    expect(task.meta.codexLedger?.findings).toBe(findings)
    expect(task.meta.codexLedger?.context).toBe('why')
  })
})
