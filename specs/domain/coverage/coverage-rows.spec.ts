import { describe, expect, test } from 'vitest'
import { DEFAULT_COVERAGE_CONFIG } from '../../../src/domain/coverage/coverage-config.ts'
import {
  coverageRows,
  fileSummaries,
  formatPct,
  fromJsonSummary,
  mergeSummaries,
  scopeSummaries,
  toJsonSummary,
} from '../../../src/domain/coverage/coverage-rows.ts'
import { counts, fakeMap, file, summary } from './summaries.ts'

const config = { ...DEFAULT_COVERAGE_CONFIG, areas: { 'src/ledger/**': { lines: 90 }, 'src/none/**': { lines: 90 } } }

describe('fileSummaries()', () => {
  test('makes paths repo-relative and sorts them', () => {
    const files = fileSummaries(fakeMap({ '/repo/src/b.ts': summary(1, 2), '/repo/src/a.ts': summary(2, 2) }), '/repo')
    expect(files.map((f) => f.file)).toEqual(['src/a.ts', 'src/b.ts'])
    expect(files[1]?.summary.lines).toEqual(counts(1, 2))
  })
})

describe('mergeSummaries()', () => {
  test('sums counts and floors pct to 0.01 as istanbul does; nothing to cover is 100%', () => {
    const merged = mergeSummaries([summary(1, 3), summary(0, 0)])
    expect(merged.lines).toEqual({ total: 3, covered: 1, skipped: 0, pct: 33.33 })
    expect(mergeSummaries([summary(2, 3)]).branches.pct).toBe(66.66)
    expect(mergeSummaries([]).statements.pct).toBe(100)
  })
})

describe('scopeSummaries() and coverageRows()', () => {
  const files = [file('src/ledger/a.ts', 9, 10), file('src/ledger/b.ts', 8, 10), file('src/cli/c.ts', 0, 20)]

  test('global over every file, then each area that has files', () => {
    const scopes = scopeSummaries(files, config)
    expect(scopes.map((s) => [s.scope, s.files, s.summary.lines.pct])).toEqual([
      ['global', 3, 42.5],
      ['src/ledger/**', 2, 85],
    ])
  })

  test('one coverage row per scope with the branch and the archived report', () => {
    const rows = coverageRows('s1', 'main', scopeSummaries(files, config), 'reports/coverage/s1/coverage-summary.json')
    expect(rows[1]).toEqual({
      session_id: 's1',
      scope: 'src/ledger/**',
      lines_pct: 85,
      branches_pct: 85,
      functions_pct: 85,
      statements_pct: 85,
      report_path: 'reports/coverage/s1/coverage-summary.json',
      git_branch: 'main',
    })
  })
})

describe('toJsonSummary() / fromJsonSummary()', () => {
  test('round-trip, with `total`; absolute keys (istanbul’s own files) become repo-relative', () => {
    const files = [file('src/a.ts', 1, 2), file('src/b.ts', 2, 2)]
    const json = toJsonSummary(files)
    expect(json.total?.lines).toEqual(counts(3, 4))
    expect(fromJsonSummary(json, '/repo')).toEqual(files)
    expect(fromJsonSummary({ '/repo/src/a.ts': summary(1, 2) }, '/repo')).toEqual([file('src/a.ts', 1, 2)])
  })

  test('formatPct() prints two decimals', () => {
    expect(formatPct(87.5)).toBe('87.50%')
  })
})
