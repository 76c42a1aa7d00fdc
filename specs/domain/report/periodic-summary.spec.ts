import { afterEach, describe, expect, test } from 'vitest'
import { periodicSummary } from '../../../src/domain/report/periodic-summary.ts'
import { renderPeriodic } from '../../../src/domain/report/render-periodic.ts'
import { type Fixture, fixtureLedger, seedManySessions } from './fixture-ledgers.ts'

let fixture: Fixture
afterEach(() => fixture?.cleanup())

const DAY = 86_400_000
/** One hour after the last fixture session (s12 starts 2025-03-13T00:00Z). */
const NOW = Date.parse('2025-03-13T01:00:00.000Z')

describe('periodicSummary()', () => {
  test('the last 7 days: sessions, pass rates, project times, findings, coverage, slowest-growing tests', () => {
    fixture = fixtureLedger()
    seedManySessions(fixture.ledger)
    const p = periodicSummary(fixture.ledger, 7 * DAY, '7d', NOW, [])
    expect(p.since).toBe('2025-03-06T01:00:00.000Z')
    expect(p.until).toBe('2025-03-13T01:00:00.000Z')
    expect(p.sessions).toEqual({ total: 7, by_status: { failed: 7 }, by_kind: { vitest: 7 } }) // s06–s12
    expect(p.pass_rate).toBe(0)
    expect(p.projects.map((x) => [x.project, x.sessions, x.pass_rate])).toEqual([
      ['drift:without-onnxruntime-node', 6, 1],
      ['gates', 7, 0.8571],
      ['unit', 7, 0.1429], // only s06 ran unit without a failure
    ])
    // The fixme finding appeared in s12; the "stratify" one went away in s07; the secrets finding of s06
    // was opened and resolved inside the window.
    expect(p.findings.opened_list.map((f) => [f.gate, f.message])).toEqual([
      ['placeholders', 'FIX\u004dE: smoothing'],
      ['secrets', 'AWS access key id'],
    ])
    expect(p.findings.resolved_list.map((f) => [f.gate, f.message])).toEqual([
      ['placeholders', 'TO\u0044O: stratify'],
      ['secrets', 'AWS access key id'],
    ])
    expect(p.coverage).toEqual([
      { scope: 'all', from: 75, to: 82, delta: 7 },
      { scope: 'src/ledger/**', from: 89, to: 90, delta: 1 },
    ])
    expect(p.slowest_growing).toEqual([
      {
        project: 'unit',
        file: 'specs/sample.spec.ts',
        name: 'adds numbers',
        from_ms: 45,
        to_ms: 65,
        growth_ms: 20,
        samples: 7,
      },
    ])
  })

  test('an empty window reports zeros, not errors', () => {
    fixture = fixtureLedger()
    seedManySessions(fixture.ledger, 3)
    const p = periodicSummary(fixture.ledger, DAY, '1d', Date.parse('2026-01-01T00:00:00Z'), [])
    expect(p).toMatchObject({
      sessions: { total: 0, by_status: {}, by_kind: {} },
      pass_rate: null,
      test_pass_rate: null,
      projects: [],
    })
    expect(renderPeriodic(p)).toContain('- sessions: 0\n')
  })
})

describe('renderPeriodic()', () => {
  test('prints the figures as Markdown', () => {
    fixture = fixtureLedger()
    seedManySessions(fixture.ledger)
    const md = renderPeriodic(periodicSummary(fixture.ledger, 7 * DAY, '7d', NOW, []))
    expect(md.split('\n').slice(0, 9)).toEqual([
      '# codex-gates summary: last 7d',
      '',
      '2025-03-06 01:00:00Z to 2025-03-13 01:00:00Z',
      '',
      '- sessions: 7 (7 failed)',
      '- kinds: 7 vitest',
      '- session pass rate: 0.0%; test pass rate: 88.9%', // 64 passed, 8 failed
      '- findings: 2 opened, 2 resolved',
      '',
    ])
    expect(md).toContain('| adds numbers | unit | `specs/sample.spec.ts` | 45 ms | 65 ms | +20 ms | 7 |')
    expect(md).toContain('| all | 75.0% | 82.0% | +7.0 |')
  })
})
