import { describe, expect, test } from 'vitest'
import { type CoverageConfig, DEFAULT_COVERAGE_CONFIG } from '../../../src/domain/coverage/coverage-config.ts'
import { type CoverageGateInput, evaluateCoverageGate } from '../../../src/domain/coverage/coverage-gate.ts'
import { scopeSummaries } from '../../../src/domain/coverage/coverage-rows.ts'
import {
  type BestByMetric,
  findRegressions,
  thresholdViolations,
  worstFiles,
} from '../../../src/domain/coverage/ratchet.ts'
import { file } from './summaries.ts'

const config: CoverageConfig = {
  ...DEFAULT_COVERAGE_CONFIG,
  global: { lines: 50 },
  areas: { 'src/ledger/**': { lines: 90, branches: 90 } },
  ratchet: { tolerancePoints: 0.5, metrics: ['lines', 'branches'], worstFiles: 2, resetAt: null },
}
const best = (
  value: number,
  reportPath: string | null = 'reports/coverage/old/coverage-summary.json',
): BestByMetric => ({
  lines: { value, sessionId: 'old-session-1234', reportPath },
})

/** 100 lines in three files: global lines % = covered. */
function filesAt(covered: number) {
  return [
    file('src/ledger/a.ts', Math.min(covered, 40), 40),
    file('src/ledger/b.ts', 40, 40),
    file('src/x.ts', Math.max(0, covered - 80), 20),
  ]
}

function gate(input: Partial<CoverageGateInput>) {
  return evaluateCoverageGate({
    sessionId: 'now',
    gitBranch: 'main',
    config,
    files: filesAt(95),
    reportPath: null,
    testsFailed: false,
    history: () => ({}),
    readArchive: () => null,
    now: new Date('2026-01-02T03:04:05.000Z'),
    ...input,
  })
}

describe('findRegressions()', () => {
  const scopes = scopeSummaries(filesAt(95), config)

  test('a drop of up to the tolerance holds; more fails', () => {
    expect(findRegressions(scopes, () => best(95.5), config.ratchet)).toEqual([])
    const [r] = findRegressions(scopes, (s) => (s === 'global' ? best(95.51) : {}), config.ratchet)
    expect(r).toMatchObject({ scope: 'global', metric: 'lines', current: 95, drop: 0.51 })
  })

  test('only the configured metrics are ratcheted; a scope without history is its own baseline', () => {
    const functions: BestByMetric = { functions: { value: 100, sessionId: 's', reportPath: null } }
    expect(findRegressions(scopes, () => functions, config.ratchet)).toEqual([])
    expect(findRegressions(scopes, () => ({}), config.ratchet)).toEqual([])
  })
})

describe('worstFiles()', () => {
  test('ranks by growth in uncovered items: new untested files count, deleted files do not', () => {
    const before = [file('src/a.ts', 10, 10), file('src/b.ts', 5, 10), file('src/gone.ts', 0, 50)]
    const after = [file('src/a.ts', 4, 10), file('src/b.ts', 5, 10), file('src/new.ts', 0, 3)]
    const losses = worstFiles(after, before, 'global', 'lines', 5)
    expect(losses.map((l) => [l.file, l.uncoveredDelta, l.before?.pct ?? null])).toEqual([
      ['src/a.ts', 6, 100],
      ['src/new.ts', 3, null],
    ])
    expect(worstFiles(after, before, 'src/new*', 'lines', 5).map((l) => l.file)).toEqual(['src/new.ts'])
  })
})

describe('thresholdViolations()', () => {
  test('global and per-area minimums', () => {
    const scopes = scopeSummaries([file('src/ledger/a.ts', 8, 10), file('src/y.ts', 2, 10)], config)
    expect(thresholdViolations(scopes, config)).toEqual([
      { scope: 'src/ledger/**', metric: 'lines', threshold: 90, actual: 80 },
      { scope: 'src/ledger/**', metric: 'branches', threshold: 90, actual: 80 },
    ])
  })
})

describe('evaluateCoverageGate()', () => {
  test('the first full run on a branch is the baseline', () => {
    const result = gate({})
    expect(result.status).toBe('passed')
    expect(result.reason).toBe(
      'global: lines 95.00%, branches 95.00% over 3 files; no earlier passed full run on branch main: this run is the baseline',
    )
    expect(result.rows.map((r) => r.scope)).toEqual(['global', 'src/ledger/**'])
  })

  test('coverage that holds within 0.5 points passes', () => {
    const result = gate({ history: () => best(95.4) })
    expect(result.status).toBe('passed')
    expect(result.reason).toContain('ratchet held for 2 scopes on branch main (tolerance 0.5 points)')
  })

  test('a synthetic drop fails, naming the scope, the old and new figures and the files that lost most', () => {
    const archive = filesAt(100)
    const result = gate({
      files: filesAt(90),
      history: (s) => (s === 'global' ? best(100) : {}),
      readArchive: () => archive,
    })
    expect(result.status).toBe('failed')
    expect(result.findings).toHaveLength(1)
    const [finding] = result.findings
    expect(finding).toMatchObject({ gate: 'coverage', rule: 'ratchet', severity: 'error', file: 'src/x.ts' })
    expect(finding?.message).toBe(
      'global: lines fell from 100.00% to 90.00% (−10.00 points; best on branch main in session old-sess, tolerance 0.5); lost most: src/x.ts 100.00% → 50.00% (+10 uncovered)',
    )
    expect(finding?.remediation).toBe(
      'add tests for the files named; if the drop is intended, set "ratchet": { "resetAt": "2026-01-02T03:04:05.000Z" } in configs/coverage.json',
    )
  })

  test('when the best session’s archive is gone the finding says so and names the least covered files now', () => {
    const result = gate({ files: filesAt(90), history: (s) => (s === 'global' ? best(100, null) : {}) })
    expect(result.findings[0]?.message).toContain(
      'per-file figures of session old-sess are gone (never archived), least covered now: src/x.ts 50.00% (10 uncovered)',
    )
  })

  test('thresholds fail the gate too, naming the least covered files', () => {
    const result = gate({ files: [file('src/ledger/a.ts', 1, 10)] })
    expect(result.status).toBe('failed')
    expect(result.findings.map((f) => f.message)).toEqual([
      'global: lines 10.00% is below the 50% threshold; least covered: src/ledger/a.ts 10.00% (9 uncovered)',
      'src/ledger/**: lines 10.00% is below the 90% threshold; least covered: src/ledger/a.ts 10.00% (9 uncovered)',
      'src/ledger/**: branches 10.00% is below the 90% threshold; least covered: src/ledger/a.ts 10.00% (9 uncovered)',
    ])
  })

  test('a run with failing tests records its figures but checks nothing', () => {
    const result = gate({ testsFailed: true, files: filesAt(10), history: () => best(100) })
    expect(result.status).toBe('skipped')
    expect(result.reason).toMatch(/^tests failed, so thresholds and the ratchet were not checked/)
    expect(result.rows).toHaveLength(2)
  })

  test('without readable history the ratchet is skipped with the reason; thresholds still apply', () => {
    const result = gate({ history: 'the ledger is unavailable this run' })
    expect(result.status).toBe('passed')
    expect(result.reason).toContain('ratchet not checked: the ledger is unavailable this run')
  })
})
