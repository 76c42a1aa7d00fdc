import { describe, expect, test } from 'vitest'
import { formatFailures, formatMs, formatSummary, isBlocking } from '../../../src/adapters/hooks/format-outcome.ts'
import type { StepOutcome } from '../../../src/adapters/hooks/run-steps.ts'
import { makeFinding } from '../../../src/domain/gates/finding.ts'
import { FAKE_AWS_KEY } from './hook-repo.ts'

const outcome = (name: string, status: StepOutcome['status'], extra: Partial<StepOutcome> = {}): StepOutcome => ({
  name,
  status,
  durationMs: 12.4,
  files: 1,
  findings: [],
  events: [],
  ...extra,
})

describe('formatSummary()', () => {
  test('names every step with its time, and the total', () => {
    const line = formatSummary(
      'pre-commit',
      [
        outcome('lint', 'passed', { durationMs: 41.6 }),
        outcome('secrets', 'failed', { durationMs: 3 }),
        outcome('docs-links', 'skipped'),
        outcome('placeholders', 'timeout', { durationMs: 60_000 }),
      ],
      { files: 3, snapshotMs: 30.2, totalMs: 612 },
    )
    expect(line).toBe(
      'codex-gates pre-commit ✗ 3 files · snapshot 30ms · lint 42ms ✓ · secrets 3ms ✗ · docs-links – · placeholders 60.0s ✗ timeout · total 612ms',
    )
    expect(formatSummary('pre-commit', [outcome('lint', 'passed')], { files: 1, snapshotMs: 1, totalMs: 1500 })).toBe(
      'codex-gates pre-commit ✓ 1 file · snapshot 1ms · lint 12ms ✓ · total 1.50s',
    )
  })

  test('formatMs() keeps figures short', () => {
    expect([formatMs(0.4), formatMs(999), formatMs(1000), formatMs(12_345)]).toEqual(['0ms', '999ms', '1.00s', '12.3s'])
  })
})

describe('formatFailures()', () => {
  test('prints gate, file:line, rule, what and the fix for each finding, redacted; warnings marked', () => {
    const secret = makeFinding({
      gate: 'secrets',
      rule: 'aws-access-key-id',
      severity: 'error',
      file: 'config.py',
      line: 2,
      message: `AWS access key id: ${FAKE_AWS_KEY}`, // a scanner that forgot to mask: the output still must
      remediation: 'rotate it',
    })
    const warning = makeFinding({
      gate: 'docs-links',
      rule: 'bare-url',
      severity: 'warn',
      file: 'README.md',
      line: 9,
      message: 'bare URL',
      remediation: 'wrap it in <>',
    })
    const text = formatFailures([
      outcome('secrets', 'failed', { findings: [secret] }),
      outcome('docs-links', 'passed', { findings: [warning] }),
      outcome('lint', 'error', { reason: 'cannot run biome: ENOENT' }),
      outcome('env-files', 'passed'),
    ])
    expect(text).toBe(
      [
        '✗ secrets: 1 error',
        `    secrets config.py:2 aws-access-key-id: AWS access key id: AKIA…[redacted 20 chars] — fix: rotate it`,
        '! docs-links: 0 errors, 1 warning',
        '    (warn) docs-links README.md:9 bare-url: bare URL — fix: wrap it in <>',
        '✗ lint: cannot run biome: ENOENT',
      ].join('\n'),
    )
    expect(formatFailures([outcome('x', 'timeout', { reason: 'timed out after 5 ms' })])).toBe(
      '✗ x: timed out after 5 ms\n    fix: raise gates.x.timeout_ms in codex-gates.json, or SKIP=x for this commit',
    )
  })

  test('only passed and skipped steps let the commit through', () => {
    const statuses: StepOutcome['status'][] = ['passed', 'skipped', 'failed', 'timeout', 'error', 'interrupted']
    expect(statuses.filter((s) => isBlocking(outcome('x', s)))).toEqual(['failed', 'timeout', 'error', 'interrupted'])
  })
})
