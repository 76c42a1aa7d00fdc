// End to end: real Vitest with coverage on specs/fixtures/coverage/project, the ledger reporter
// writing a temp ledger, four runs in a row (one child process; see run-coverage-fixture.ts).
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { skipWithout } from '../../../src/adapters/vitest/skip-without.ts'
import { isDependencyAvailable } from '../../../src/foundation/optional/optional-import.ts'
import type { Ledger } from '../../../src/ledger/ledger.ts'
import { openLedger } from '../../../src/ledger/open-ledger.ts'
import { tempDir } from '../../support/temp-dir.ts'
import { type FixtureRuns, runCoverageFixture } from './run-fixture.ts'

const NEEDS = ['better-sqlite3', '@vitest/coverage-v8'] as const
const dir = tempDir('cov-e2e-')
const ledgerPath = join(dir, 'ledger.db')
let runs: FixtureRuns
let sessions: { id: string; status: string }[] = []

/** What the ledger holds for the n-th run. */
function recorded(n: number) {
  const id = sessions[n]?.id as string
  const ledger: Ledger = openLedger(ledgerPath, { readonly: true, reapAborted: false })
  try {
    return {
      session: sessions[n],
      gate: ledger.get<{ status: string; reason: string }>(
        'SELECT status, reason FROM gate_runs WHERE session_id = ?',
        id,
      ),
      coverage: ledger.all<{ scope: string; lines_pct: number; report_path: string }>(
        'SELECT scope, lines_pct, report_path FROM coverage WHERE session_id = ? ORDER BY scope',
        id,
      ),
      findings: ledger.all<{ rule: string; message: string }>(
        'SELECT rule, message FROM findings WHERE session_id = ?',
        id,
      ),
      artifacts: ledger.all('SELECT kind, path, sha256 FROM artifacts WHERE session_id = ?', id),
    }
  } finally {
    ledger.close()
  }
}

describe('the coverage gate, run after run', () => {
  beforeAll(() => {
    if (!NEEDS.every((d) => isDependencyAvailable(d))) return
    runs = runCoverageFixture(ledgerPath, dir, [
      {}, // the baseline
      {}, // coverage holds
      { env: { FIXTURE_DROP: '1' } }, // one test skipped: a synthetic drop
      { filters: ['core'] }, // a partial run, 50% of lines, below the fixture's 70% threshold
    ])
    const ledger = openLedger(ledgerPath, { readonly: true, reapAborted: false })
    sessions = ledger.all('SELECT id, status FROM sessions ORDER BY started_at, rowid')
    ledger.close()
  }, 240_000)
  beforeEach((ctx) => skipWithout(ctx, ...NEEDS))

  test('a first full run records coverage per scope, archives the json-summary and is the baseline', () => {
    expect(runs.codes[0], runs.output).toBe(0)
    const { session, gate, coverage, artifacts } = recorded(0)
    expect(session?.status).toBe('passed')
    expect(coverage.map((c) => [c.scope, c.lines_pct])).toEqual([
      ['global', 100],
      ['src/core/**', 100],
    ])
    expect(gate?.status).toBe('passed')
    expect(gate?.reason).toContain('this run is the baseline')
    const archive = join(dir, 'reports', 'coverage', session?.id as string, 'coverage-summary.json')
    expect(artifacts).toEqual([
      { kind: 'coverage-summary', path: archive, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ])
    expect(coverage[0]?.report_path).toBe(archive)
    expect(Object.keys(JSON.parse(readFileSync(archive, 'utf8')))).toEqual([
      'total',
      'src/core/math.ts',
      'src/extra/strings.ts',
    ])
  })

  test('coverage that holds passes the ratchet', () => {
    expect(runs.codes[1], runs.output).toBe(0)
    expect(recorded(1).gate).toMatchObject({
      status: 'passed',
      reason: expect.stringContaining('ratchet held for 2 scopes'),
    })
  })

  test('a synthetic drop fails the run: exit 1, a failed gate, a finding with the figures and the file that lost most', () => {
    expect(runs.codes[2], runs.output).toBe(1)
    const { session, gate, findings } = recorded(2)
    expect(session?.status).toBe('failed')
    expect(gate?.status).toBe('failed')
    expect(findings.map((f) => f.rule)).toEqual(['ratchet', 'ratchet'])
    expect(findings[0]?.message).toMatch(
      /^global: lines fell from 100\.00% to 78\.57% \(−21\.43 points; best on .*\); lost most: src\/extra\/strings\.ts 100\.00% → 57\.14% \(\+3 uncovered\)$/,
    )
    expect(runs.stderr[2]).toContain('codex-gates: coverage src/extra/strings.ts ratchet: global: lines fell')
    const blocks = readFileSync(join(dir, 'errors.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(blocks.at(-1)).toMatchObject({ session_id: session?.id, step: 'the coverage gate (ratchet) of a full run' })
  })

  test('a partial run is not held to thresholds or the ratchet, and records no figures', () => {
    expect(runs.codes[3], runs.output).toBe(0)
    const { gate, coverage } = recorded(3)
    expect(gate).toEqual({
      status: 'skipped',
      reason: 'partial run (file filters: 1 of 2 test files ran): thresholds and the ratchet apply to full runs only',
    })
    expect(coverage).toEqual([])
    expect(existsSync(join(dir, 'coverage-output', 'coverage-summary.json'))).toBe(true)
  })
})
