import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { renderReport } from '../../../src/domain/report/render-report.ts'
import type { ReportSummary } from '../../../src/domain/report/report-summary.ts'
import {
  at,
  caseRecs,
  type Fixture,
  fixtureLedger,
  seedManySessions,
  seedOneFailingSession,
  sessionRec,
  sid,
} from './fixture-ledgers.ts'

let fixture: Fixture
afterEach(() => fixture?.cleanup())

function render(session?: string, keep = 20): { summary: ReportSummary; md: string; html: string } {
  renderReport({
    ledgerPath: fixture.ledgerPath,
    reportsDir: fixture.reportsDir,
    keep,
    envSecrets: [],
    ...(session ? { session } : {}),
  })
  const latest = join(fixture.reportsDir, 'latest')
  return {
    summary: JSON.parse(readFileSync(join(latest, 'summary.json'), 'utf8')) as ReportSummary,
    md: readFileSync(join(latest, 'summary.md'), 'utf8'),
    html: readFileSync(join(latest, 'index.html'), 'utf8'),
  }
}

describe('renderReport() on an empty ledger', () => {
  test('writes the three files saying there is nothing yet', () => {
    fixture = fixtureLedger()
    const { summary, md, html } = render()
    expect(summary).toEqual({ schema: 1, sessions_in_ledger: 0, session: null, sections: {} })
    expect(md).toBe(
      '# codex-gates report\n\nNo sessions in the ledger yet. Run `npm test` or `npm run gates`, then `npm run report`.\n',
    )
    expect(html).toContain('<h2>No sessions yet</h2>')
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/)
  })
})

describe('renderReport() on one failing session', () => {
  test('summary.json holds verdicts, failures, findings and questions; absent data has no section', () => {
    fixture = fixtureLedger()
    seedOneFailingSession(fixture.ledger)
    const { summary } = render()
    expect(summary.session).toMatchObject({
      id: 'sess-fail-0001',
      status: 'failed',
      git_dirty: false,
      totals: { total: 6, passed: 3, failed: 2, skipped: 1, todo: 0 },
    })
    expect(Object.keys(summary.sections)).toEqual([
      'projects',
      'gates',
      'failing_tests',
      'findings',
      'questions',
      'outstanding_questions',
      'slowest_tests',
      'coverage',
    ])
    expect(summary.sections.projects).toEqual([
      { project: 'gates', total: 2, passed: 1, failed: 1, skipped: 0, todo: 0, duration_ms: 240, verdict: 'failed' },
      { project: 'unit', total: 4, passed: 2, failed: 1, skipped: 1, todo: 0, duration_ms: 360, verdict: 'failed' },
    ])
    expect(summary.sections.gates?.map((g) => [g.gate, g.status, g.findings])).toEqual([
      ['placeholders', 'passed', 1],
      ['secrets', 'failed', 1],
    ])
    expect(summary.sections.failing_tests?.map((t) => [t.project, t.name, t.error.split('\n')[0]])).toEqual([
      ['gates', 'secrets gate', 'secrets: 1 blocking finding(s)'],
      ['unit', 'rounds totals', 'expected 3 to be 4'],
    ])
    expect(summary.sections.findings?.[0]).toEqual({
      anchor: expect.stringMatching(/^finding-secrets-/),
      gate: 'secrets',
      severity: 'error',
      rule: 'github-token',
      file: 'src/config.ts',
      line: 7,
      location: 'src/config.ts:7',
      message: 'GitHub token ghp_…[redacted 40 chars] committed',
      remediation: 'revoke the token, then remove it from the file',
      fingerprint: 'secrets:github-token:src/config.ts:GitHub token ghp_…[redacted 40 chars] committed',
    })
    expect(summary.sections.questions?.map((q) => q.question)).toEqual([
      'While performing test "rounds totals", encountered the following error: expected 3 to be 4. Context: project unit, file specs/sample.spec.ts. What are the possible causes, and how can this be resolved while preserving intended functionality?',
      'While performing running the secrets gate, encountered the following error: secrets: 1 blocking finding(s). Context: gate secrets over the repository. What are the possible causes, and how can this be resolved while preserving intended functionality?',
    ])
    expect(summary.sections.outstanding_questions?.map((q) => [q.status, q.target, q.occurrences])).toEqual([
      ['Open', 'gate secrets', 1],
      ['Open', 'test unit › specs/sample.spec.ts › rounds totals', 1],
    ])
    expect(summary.sections.coverage).toEqual({
      scopes: [
        {
          scope: 'all',
          lines_pct: 81.5,
          branches_pct: 76.5,
          functions_pct: 79.5,
          statements_pct: 80.5,
          lines_delta: null,
        },
      ],
      trend: null,
    })
    expect(summary.sections.slowest_tests?.[0]).toEqual({
      project: 'unit',
      file: 'specs/sample.spec.ts',
      name: 'parses config',
      duration_ms: 340,
    })
    expect(summary.sections.slowest_tests?.map((t) => t.name)).not.toContain('uses the GPU') // skipped: no time to rank
  })

  test('summary.md carries the same content as tables', () => {
    fixture = fixtureLedger()
    seedOneFailingSession(fixture.ledger)
    const { md } = render()
    expect(md.split('\n').slice(0, 5)).toEqual([
      '# codex-gates report: FAILED',
      '',
      '- session: `sess-fail-0001` (vitest), started 2025-03-01 00:00:00Z, 1 min 30 s',
      '- commit: `aaaaaaaaaaaa` on main',
      '- tests: 6 total, 3 passed, 2 failed, 1 skipped, 0 todo',
    ])
    expect(md.match(/^## .*/gm)).toEqual([
      '## Verdict per project',
      '## Verdict per gate',
      '## Failing tests',
      '## Findings',
      '## Error-capture questions',
      '## Outstanding questions',
      '## Slowest tests',
      '## Coverage',
    ])
    expect(md).toContain(
      '| error | secrets | `src/config.ts:7` | github-token | GitHub token ghp_…[redacted 40 chars] committed | revoke the token, then remove it from the file |',
    )
    expect(md).toContain('| unit | failed | 2 | 1 | 1 | 0 | 360 ms |')
    expect(md).toMatch(/\| Open \| `[0-9a-f]{12}` \| test "rounds totals" \| expected 3 to be 4 \|/)
  })
})

describe('renderReport() over many sessions', () => {
  test('trends, flaky tests, drift, training, system metrics and ungated commits appear', () => {
    fixture = fixtureLedger()
    seedManySessions(fixture.ledger)
    const { summary } = render()
    const s = summary.sections
    expect(summary.sessions_in_ledger).toBe(12)
    expect(s.coverage?.scopes.map((c) => [c.scope, c.lines_pct, c.lines_delta])).toEqual([
      ['all', 82, 1],
      ['src/ledger/**', 90, 1],
    ])
    expect(s.coverage?.trend?.series.map((x) => [x.name, x.points.length, x.points[0], x.points[11]])).toEqual([
      ['all', 12, [1, 71], [12, 82]],
      ['src/ledger/**', 12, [1, 89], [12, 90]],
    ])
    expect(s.flaky_tests).toEqual([
      {
        project: 'unit',
        file: 'specs/sample.spec.ts',
        name: 'flaky fetch',
        git_sha: 'd4'.repeat(20),
        passed: 5,
        failed: 1,
        retried: 0,
        reason: 'passed 5× and failed 1× on d4d4d4d4',
      },
    ])
    expect(s.drift_matrix).toEqual([
      {
        project: 'drift:without-onnxruntime-node',
        total: 7,
        passed: 5,
        failed: 0,
        skipped: 2,
        todo: 0,
        verdict: 'passed',
        skip_reasons: ['onnxruntime-node is not installed'],
      },
    ])
    expect(s.projects?.map((p) => p.project)).toEqual(['gates', 'unit']) // drift cells live in the matrix
    expect(s.training?.scope).toBe('session')
    expect(s.training?.runs.map((r) => [r.id, r.backend, r.steps, r.nan_metrics])).toEqual([
      ['run-ort-0002', 'ort-cpu', 20, ['loss']],
      ['run-ts-0001', 'ts', 20, []],
    ])
    expect(s.training?.charts.map((c) => [c.title, c.series.map((x) => x.name)])).toEqual([
      ['ort-cpu: loss vs step', ['loss', 'val_loss']],
      ['ort-cpu: perplexity vs step', ['perplexity']],
      ['ts: loss vs step', ['loss', 'val_loss']],
      ['ts: perplexity vs step', ['perplexity']],
    ])
    expect(s.training?.charts[0]?.series[0]?.points[14]).toEqual([15, null]) // the NaN step stays a gap
    expect(s.training?.checkpoints.filter((c) => c.kept).map((c) => [c.run_id, c.step, c.status])).toEqual([
      ['run-ort-0002', 20, 'committed'],
      ['run-ts-0001', 20, 'committed'],
    ])
    expect(s.system_metrics?.map((c) => [c.title, c.x_label, c.series.map((x) => x.name)])).toEqual([
      ['sys.cpu_pct', 'step', ['run-ort-0002', 'run-ts-0001']],
    ])
    expect(s.ungated_commits?.map((c) => [c.sha.slice(0, 12), c.session_id])).toEqual([
      ['9f8e7d6c5b4a', sid(9)],
      ['c0ffeec0ffee', null],
    ])
    expect(s.recent_sessions?.map((r) => r.id)).toEqual([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1].map(sid))
  })

  test('outstanding questions go Open → Resolved when a later session passes the same step', () => {
    fixture = fixtureLedger()
    seedManySessions(fixture.ledger)
    const ledgerOf = (session: string) =>
      render(session).summary.sections.outstanding_questions?.map((q) => ({
        step: q.step,
        status: q.status,
        last_seen: q.last_seen,
        occurrences: q.occurrences,
        resolved_by: q.resolved_by,
      }))

    expect(ledgerOf(sid(2))).toBeUndefined()
    // s05: "rounds totals" failed in s03, s04 and s05 with different numbers: one fingerprint, Open.
    expect(ledgerOf(sid(5))).toEqual([
      { step: 'test "rounds totals"', status: 'Open', last_seen: at(24 * 5), occurrences: 3, resolved_by: null },
    ])
    // s06 passes it (Resolved by s06) while the secrets gate fails (Open).
    expect(ledgerOf(sid(6))).toEqual([
      { step: 'running the secrets gate', status: 'Open', last_seen: at(24 * 6), occurrences: 1, resolved_by: null },
      { step: 'test "rounds totals"', status: 'Resolved', last_seen: at(24 * 5), occurrences: 3, resolved_by: sid(6) },
    ])
    // s10: the gate passed in s07; "loads weights" fails every session since s07; "flaky fetch" failed now.
    // Open rows first, newest last sighting first, then by fingerprint.
    expect(ledgerOf(sid(10))).toEqual([
      { step: 'test "loads weights"', status: 'Open', last_seen: at(24 * 10), occurrences: 4, resolved_by: null },
      { step: 'test "flaky fetch"', status: 'Open', last_seen: at(24 * 10), occurrences: 1, resolved_by: null },
      {
        step: 'running the secrets gate',
        status: 'Resolved',
        last_seen: at(24 * 6),
        occurrences: 1,
        resolved_by: sid(7),
      },
      { step: 'test "rounds totals"', status: 'Resolved', last_seen: at(24 * 5), occurrences: 3, resolved_by: sid(6) },
    ])
    // s11 passes "flaky fetch".
    expect(ledgerOf(sid(11))?.find((q) => q.step === 'test "flaky fetch"')).toMatchObject({
      status: 'Resolved',
      resolved_by: sid(11),
    })
  })

  test('a resolved question that fails again is Open again', () => {
    fixture = fixtureLedger()
    seedManySessions(fixture.ledger)
    fixture.ledger.write([
      sessionRec('s13', at(24 * 13), { status: 'failed' }),
      ...caseRecs('s13', { name: 'rounds totals', state: 'failed', error: 'expected 13 to be 4' }),
    ])
    const q = render().summary.sections.outstanding_questions?.find((x) => x.step === 'test "rounds totals"')
    expect(q).toMatchObject({
      status: 'Open',
      first_seen: at(24 * 3),
      last_seen: at(24 * 13),
      occurrences: 4,
      resolved_by: null,
    })
    expect(q?.disposition).toBe(
      'open: failing since 2025-03-04, last on 2025-03-14; has not passed since (re-check with `npx vitest run --project unit specs/sample.spec.ts`)',
    )
  })
})

describe('reports/history rotation', () => {
  test('each new session moves the previous render to history/<id>/ and keeps the newest N', () => {
    fixture = fixtureLedger()
    seedManySessions(fixture.ledger, 5)
    for (const i of [1, 2, 3, 4, 5]) render(sid(i), 2)
    const history = join(fixture.reportsDir, 'history')
    expect(readdirSync(history).sort()).toEqual([sid(3), sid(4)])
    const old = JSON.parse(readFileSync(join(history, sid(4), 'summary.json'), 'utf8')) as ReportSummary
    expect(old.session?.id).toBe(sid(4))
    expect(existsSync(join(history, sid(4), 'index.html'))).toBe(true)
    // Re-rendering the same session replaces latest/ without touching history.
    render(sid(5), 2)
    expect(readdirSync(history).sort()).toEqual([sid(3), sid(4)])
    expect(readdirSync(fixture.reportsDir).filter((n) => n.includes('.tmp-'))).toEqual([])
  })

  test('rendering an older session brings it out of history and files the newer one there', () => {
    fixture = fixtureLedger()
    seedManySessions(fixture.ledger, 3)
    for (const i of [1, 2, 3]) render(sid(i))
    render(sid(2))
    expect(readdirSync(join(fixture.reportsDir, 'history')).sort()).toEqual([sid(1), sid(3)])
  })
})

describe('redaction', () => {
  test('secrets in errors, names and env values never reach the rendered files', () => {
    fixture = fixtureLedger()
    const envSecret = ['hunter2', 'correct', 'horse', 'battery'].join('-') // built at run time: no literal secret in the tree
    const token = `ghp_${'A1b2C3d4E5'.repeat(4)}`
    fixture.ledger.write([
      sessionRec('sec-1', at(0), { status: 'failed', command: `vitest run --token ${envSecret}` }),
      ...caseRecs('sec-1', {
        name: `logs in with ${token}`,
        state: 'failed',
        error: `401 for ${token} using ${envSecret}`,
      }),
    ])
    renderReport({ ledgerPath: fixture.ledgerPath, reportsDir: fixture.reportsDir, envSecrets: [envSecret] })
    for (const file of ['index.html', 'summary.md', 'summary.json']) {
      const text = readFileSync(join(fixture.reportsDir, 'latest', file), 'utf8')
      expect(text, file).not.toContain(token)
      expect(text, file).not.toContain(envSecret)
      expect(text, file).toContain('ghp_…[redacted 44 chars]')
      expect(text, file).toContain('hunt…[redacted 29 chars]')
    }
  })

  test('markup in ledger text is escaped, never interpreted', () => {
    fixture = fixtureLedger()
    fixture.ledger.write([
      sessionRec('xss-1', at(0), { status: 'failed', git_branch: '<img src=x onerror=alert(1)>' }),
      ...caseRecs('xss-1', { name: '<script>alert(1)</script>', state: 'failed', error: '</pre><b>boom</b>' }),
    ])
    const { html, md } = render()
    expect(html).not.toContain('<script>alert(1)')
    expect(html).not.toContain('<img src=x')
    expect(html).not.toContain('<b>boom</b>')
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(md).not.toContain('<script>')
  })
})

describe('renderReport() on a team ledger', () => {
  test('a test that fails on one host only says so in why-flaky', () => {
    fixture = fixtureLedger()
    const sha = { git_sha: 'b'.repeat(40) }
    fixture.ledger.write([
      sessionRec('team-1', at(1), { ...sha, host: 'alice', status: 'failed' }),
      ...caseRecs('team-1', { name: 'net', state: 'failed', error: 'ECONNRESET' }).map((r) =>
        r.table === 'test_results' ? { ...r, row: { ...r.row, host: 'alice' } } : r,
      ),
      sessionRec('team-2', at(2), { ...sha, host: 'bob' }),
      ...caseRecs('team-2', { name: 'net' }),
    ])
    const { summary, html } = render('team-2')
    expect(summary.sections.flaky_tests?.[0]?.reason).toBe(`passed 1× and failed 1× on bbbbbbbb; failed only on alice`)
    expect(html).toContain('failed only on alice')
  })
})
