import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, test, vi } from 'vitest'
import type { Vitest } from 'vitest/node'
import { CoverageRecorder, type FinishInput } from '../../../src/adapters/vitest/coverage-recorder.ts'
import { skipWithout } from '../../../src/adapters/vitest/skip-without.ts'
import { UNAVAILABLE_PROVIDER_MODULE } from '../../../src/adapters/vitest/unavailable-provider.ts'
import { openLedger } from '../../../src/ledger/open-ledger.ts'
import { fakeMap, summary } from '../../domain/coverage/summaries.ts'
import { REPO_ROOT, tempDir } from '../../support/temp-dir.ts'

const ROOT = join(REPO_ROOT, 'specs', 'fixtures', 'coverage', 'config-root')

/** A stand-in Vitest: what the recorder reads (config, the spec count, the modules that ran). */
function fakeVitest(coverage: Record<string, unknown>, ran = 2, all = 2, project: string[] = []): Vitest {
  return {
    config: {
      root: ROOT,
      project,
      coverage: { enabled: true, provider: 'v8', thresholds: { lines: 50 }, ...coverage },
    },
    globTestSpecifications: async () => new Array(all).fill({}),
    state: { getTestModules: () => new Array(ran).fill({}) },
  } as unknown as Vitest
}

function input(vitest: Vitest | undefined, extra: Partial<FinishInput> = {}): FinishInput {
  return {
    vitest,
    sessionId: 'session-1',
    sessionRow: { id: 'session-1', git_branch: 'main' },
    ledgerPath: null,
    testsFailed: false,
    ...extra,
  }
}

const map = (aCovered: number) =>
  fakeMap({ [join(ROOT, 'src/a/x.ts')]: summary(aCovered, 10), [join(ROOT, 'src/b/y.ts')]: summary(10, 10) })

const gateOf = (records: { table: string; row: Record<string, unknown> }[]) =>
  records.find((r) => r.table === 'gate_runs')?.row

afterEach(() => {
  vi.unstubAllEnvs()
})

describe('CoverageRecorder', () => {
  test('records nothing when coverage is off', async () => {
    const recorder = new CoverageRecorder()
    const vitest = fakeVitest({ enabled: false })
    await recorder.onCoverage(vitest, map(10))
    expect(recorder.finish(input(vitest))).toEqual({ records: [], errorBlocks: [], messages: [], failed: false })
    expect(recorder.finish(input(undefined)).records).toEqual([])
  })

  test('coverage unavailable → a warn event and a skipped gate carrying the same reason', () => {
    const out = new CoverageRecorder().finish(
      input(fakeVitest({ provider: 'custom', customProviderModule: UNAVAILABLE_PROVIDER_MODULE })),
    )
    expect(out.records.map((r) => r.table)).toEqual(['events', 'gate_runs'])
    const event = out.records[0]?.row
    expect(event).toMatchObject({ session_id: 'session-1', role: 'system', level: 'warn' })
    expect(String(event?.message)).toMatch(/^coverage unavailable: /)
    expect(gateOf(out.records)).toMatchObject({ gate: 'coverage', status: 'skipped', reason: event?.message })
    expect(out.failed).toBe(false)
  })

  test('no map (nothing collected) → skipped', () => {
    const out = new CoverageRecorder().finish(input(fakeVitest({})))
    expect(gateOf(out.records)).toMatchObject({
      status: 'skipped',
      reason: expect.stringMatching(/^no coverage was collected/),
    })
  })

  test('a partial run: Vitest’s thresholds are turned off and the gate is skipped, naming the filter', async () => {
    const recorder = new CoverageRecorder()
    const vitest = fakeVitest({}, 2, 2, ['unit'])
    await recorder.onCoverage(vitest, map(1))
    expect(vitest.config.coverage.thresholds).toBeUndefined()
    const out = recorder.finish(input(vitest))
    expect(gateOf(out.records)).toMatchObject({
      status: 'skipped',
      reason: 'partial run (--project unit): thresholds and the ratchet apply to full runs only',
    })
    expect(out.records.some((r) => r.table === 'coverage')).toBe(false)
  })

  test('a full run without a ledger: rows, the archive and its artifact; thresholds checked, the ratchet skipped with the reason', async () => {
    const reports = tempDir('cov-recorder-')
    vi.stubEnv('CODEX_REPORTS_DIR', reports)
    const recorder = new CoverageRecorder()
    const vitest = fakeVitest({})
    await recorder.onCoverage(vitest, map(5))
    expect(vitest.config.coverage.thresholds).toEqual({ lines: 50 })
    const out = recorder.finish(input(vitest))
    const tables = out.records.map((r) => r.table)
    expect(tables).toEqual(['coverage', 'coverage', 'artifacts', 'findings', 'gate_runs'])
    const archive = join(reports, 'coverage', 'session-1', 'coverage-summary.json')
    expect(out.records[2]?.row).toMatchObject({ kind: 'coverage-summary', path: archive })
    expect(JSON.parse(readFileSync(archive, 'utf8')).total.lines.pct).toBe(75)
    expect(out.records[3]?.row).toMatchObject({ gate: 'coverage', rule: 'threshold', file: 'src/a/x.ts' })
    expect(gateOf(out.records)).toMatchObject({ status: 'failed', findings_count: 1 })
    expect(out.failed).toBe(true)
    expect(out.messages).toEqual([
      expect.stringMatching(
        /^codex-gates: coverage src\/a\/x\.ts threshold: src\/a\/\*\*: lines 50\.00% is below the 90% threshold/,
      ),
    ])
    expect(out.errorBlocks[0]).toMatchObject({
      session_id: 'session-1',
      step: 'the coverage gate (threshold) of a full run',
    })
  })

  test('inside specs nothing is archived unless a reports dir is named', async () => {
    vi.stubEnv('CODEX_REPORTS_DIR', undefined)
    const recorder = new CoverageRecorder()
    const vitest = fakeVitest({})
    await recorder.onCoverage(vitest, map(10))
    const out = recorder.finish(input(vitest))
    expect(out.records.filter((r) => r.table === 'coverage').map((r) => r.row.report_path)).toEqual([null, null])
    expect(out.records.some((r) => r.table === 'artifacts')).toBe(false)
    expect(gateOf(out.records)?.reason).toContain('ratchet not checked: the ledger is unavailable this run')
  })

  test('with a ledger: the ratchet compares to the best passed run on the branch', async (ctx) => {
    skipWithout(ctx, 'better-sqlite3')
    const ledgerPath = join(tempDir('cov-recorder-ledger-'), 'ledger.db')
    const ledger = openLedger(ledgerPath)
    ledger.write([
      {
        rid: randomUUID(),
        table: 'sessions',
        row: { id: 'old', kind: 'vitest', status: 'passed', started_at: '2026-01-01T00:00:00Z' },
      },
      {
        rid: randomUUID(),
        table: 'coverage',
        row: { session_id: 'old', scope: 'global', lines_pct: 99, git_branch: 'main' },
      },
    ])
    ledger.close()
    const recorder = new CoverageRecorder()
    const vitest = fakeVitest({})
    await recorder.onCoverage(vitest, map(9))
    const out = recorder.finish(input(vitest, { ledgerPath }))
    const finding = out.records.find((r) => r.table === 'findings')?.row
    expect(finding?.message).toBe(
      'global: lines fell from 99.00% to 95.00% (−4.00 points; best on branch main in session old, tolerance 0.5); per-file figures of session old are gone (never archived), least covered now: src/a/x.ts 90.00% (1 uncovered)',
    )
    expect(out.records.filter((r) => r.table === 'findings')).toHaveLength(1)
    expect(out.failed).toBe(true)
  })

  test('a bad configs/coverage.json fails the gate with the message; a broken ledger only skips the ratchet', async () => {
    const recorder = new CoverageRecorder()
    const bad = tempDir('cov-bad-')
    const vitest = fakeVitest({})
    ;(vitest.config as { root: string }).root = bad
    mkdirSync(join(bad, 'configs'))
    writeFileSync(join(bad, 'configs', 'coverage.json'), '{ "ratchet": { "tolerance": 1 } }')
    await recorder.onCoverage(vitest, map(10))
    const out = recorder.finish(input(vitest))
    expect(out.failed).toBe(true)
    expect(gateOf(out.records)).toMatchObject({ status: 'failed' })
    expect(out.messages[0]).toMatch(/^codex-gates: coverage gate failed: .*\/ratchet\/tolerance is not a known setting/)

    const again = new CoverageRecorder()
    const fine = fakeVitest({})
    await again.onCoverage(fine, map(10))
    const missing = join(tempDir('cov-noledger-'), 'absent.db')
    const result = again.finish(input(fine, { ledgerPath: missing }))
    expect(gateOf(result.records)?.reason).toContain("ratchet not checked: cannot read the ledger's history")
    expect(existsSync(missing)).toBe(false)
  })
})
