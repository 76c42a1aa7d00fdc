import { describe, expect, test } from 'vitest'
import type { Ledger } from '../../src/ledger/ledger.ts'
import { openLedger } from '../../src/ledger/open-ledger.ts'
import {
  listFailures,
  listFlaky,
  listQuestions,
  listSessions,
  projectTestStates,
  resolveSessionId,
  type SessionSummary,
  showSession,
} from '../../src/ledger/queries.ts'
import type { LedgerRecord } from '../../src/ledger/records.ts'
import { userErrorFrom } from '../support/user-error.ts'

function ledgerWith(ids: string[]): Ledger {
  const ledger = openLedger(':memory:', { reapAborted: false })
  ledger.write(
    ids.map(
      (id, i): LedgerRecord => ({
        rid: id,
        table: 'sessions',
        row: { id, kind: 'vitest', status: 'passed', started_at: `2026-01-01T00:${String(i).padStart(2, '0')}:00Z` },
      }),
    ),
  )
  return ledger
}

describe('listSessions()', () => {
  test('without options: the 20 newest, newest first', () => {
    const ids = Array.from({ length: 25 }, (_, i) => `s${String(i).padStart(2, '0')}`)
    const ledger = ledgerWith(ids)
    expect(listSessions(ledger).map((s) => s.id)).toEqual(ids.slice(5).reverse())
    ledger.close()
  })

  test('a session closed without counts (aborted, killed) shows the counts of the results it stored', () => {
    const ledger = ledgerWith(['aborted', 'counted', 'empty'])
    // Sessions are keyed by id: these rows update the ones ledgerWith wrote.
    ledger.write([
      {
        rid: 'u1',
        table: 'sessions',
        row: { id: 'aborted', kind: 'vitest', status: 'aborted', started_at: '2026-01-01T00:00:00Z' },
      },
      {
        rid: 'u2',
        table: 'sessions',
        row: {
          id: 'counted',
          kind: 'vitest',
          status: 'passed',
          started_at: '2026-01-01T00:01:00Z',
          tests_total: 9,
          tests_passed: 9,
          tests_failed: 0,
        },
      },
    ])
    const result = (sessionId: string, i: number, state: string): LedgerRecord => ({
      rid: `${sessionId}-${i}`,
      table: 'test_results',
      row: { session_id: sessionId, name: `t${i}`, state },
    })
    ledger.write([
      ...['passed', 'passed', 'failed', 'skipped', 'todo'].map((state, i) => result('aborted', i, state)),
      result('counted', 0, 'failed'), // the row's own counts win
    ])
    const counts = (s: SessionSummary) => [
      s.id,
      s.tests_total,
      s.tests_passed,
      s.tests_failed,
      s.tests_skipped,
      s.tests_todo,
    ]
    expect(listSessions(ledger).map(counts)).toEqual([
      ['empty', null, null, null, null, null],
      ['counted', 9, 9, 0, null, null],
      ['aborted', 5, 2, 1, 1, 1],
    ])
    expect(listSessions(ledger, { kind: 'vitest', limit: 1 }).map((s) => s.id)).toEqual(['empty'])
    ledger.close()
  })
})

describe('resolveSessionId()', () => {
  test('latest on an empty ledger says there are no sessions and how to make one', () => {
    const ledger = ledgerWith([])
    const error = userErrorFrom(() => resolveSessionId(ledger, 'latest'))
    ledger.close()
    expect(error.code).toBe('NO_SESSIONS')
    expect(error.message).toBe('the ledger :memory: has no sessions yet')
    expect(error.hint).toBe('run `npm test` or `npm run gates` first')
  })

  test('a prefix of several ids is ambiguous; a longer one resolves; LIKE wildcards are not patterns', () => {
    const ledger = ledgerWith(['abc-1', 'abc-2', 'xyz'])
    const error = userErrorFrom(() => resolveSessionId(ledger, 'abc'))
    expect(error.code).toBe('AMBIGUOUS_SESSION')
    expect(error.message).toBe('session prefix abc matches several sessions')
    expect(error.hint).toBe('give more characters of the id')
    expect(resolveSessionId(ledger, 'abc-2')).toBe('abc-2')
    // "_" and "%" would match any character in LIKE: they are dropped, so "a_c" means prefix "ac".
    expect(() => resolveSessionId(ledger, 'a_c')).toThrow('no session a_c in :memory:')
    expect(() => resolveSessionId(ledger, '%')).toThrow('session prefix % matches several sessions')
    ledger.close()
  })

  test('latest is the newest session; an unknown id says how to list them', () => {
    const ledger = ledgerWith(['old', 'new'])
    expect(resolveSessionId(ledger, 'latest')).toBe('new')
    const error = userErrorFrom(() => resolveSessionId(ledger, 'zzz'))
    expect(error.code).toBe('NO_SESSION')
    expect(error.message).toBe('no session zzz in :memory:')
    expect(error.hint).toBe('list them with `npm run ledger -- sessions`')
    ledger.close()
  })
})

/** A test_results record of session `sessionId`. */
function result(sessionId: string, rid: string, fields: Record<string, string | number | null>): LedgerRecord {
  return { rid, table: 'test_results', row: { session_id: sessionId, name: 't', state: 'passed', ...fields } }
}

describe('projectTestStates()', () => {
  test("the states of one session's projects with the prefix, in recorded order", () => {
    const ledger = ledgerWith(['s1', 's2'])
    ledger.write([
      result('s1', 'a', { project: 'drift:without-zod', name: 'one', state: 'failed' }),
      result('s1', 'b', { project: 'unit', name: 'two' }),
      result('s1', 'c', { project: 'drift:without-ajv', name: 'three' }),
      result('s2', 'd', { project: 'drift:without-zod', name: 'four' }),
      result('s1', 'e', { project: 'drift', name: 'too short' }),
    ])
    expect(projectTestStates(ledger, 's1', 'drift:')).toEqual([
      { project: 'drift:without-zod', name: 'one', state: 'failed' },
      { project: 'drift:without-ajv', name: 'three', state: 'passed' },
    ])
    expect(projectTestStates(ledger, 's1', 'nothing')).toEqual([])
    ledger.close()
  })
})

describe('listFailures()', () => {
  test('failed tests of the sessions started within the window, newest session first', () => {
    const ledger = openLedger(':memory:', { reapAborted: false })
    const now = Date.parse('2026-03-10T12:00:00Z')
    const session = (id: string, hoursAgo: number): LedgerRecord => ({
      rid: id,
      table: 'sessions',
      row: { id, kind: 'vitest', status: 'failed', started_at: new Date(now - hoursAgo * 3_600_000).toISOString() },
    })
    ledger.write([
      session('recent', 1),
      session('older', 20),
      session('outside', 30),
      result('older', 'o1', { project: 'unit', file: 'a', name: 'x', state: 'failed', error: 'e1' }),
      result('recent', 'r1', { project: 'unit', file: 'b', name: 'y', state: 'failed', error: 'e2' }),
      result('recent', 'r2', { project: 'unit', file: 'b', name: 'fine' }),
      result('outside', 'x1', { project: 'unit', file: 'c', name: 'z', state: 'failed' }),
    ])
    expect(listFailures(ledger, 24 * 3_600_000, now).map((f) => [f.session_id, f.name, f.error])).toEqual([
      ['recent', 'y', 'e2'],
      ['older', 'x', 'e1'],
    ])
    ledger.close()
  })

  test('without `now`: the window ends at the clock', () => {
    const ledger = openLedger(':memory:', { reapAborted: false })
    const startedAt = new Date().toISOString()
    ledger.write([
      { rid: 's', table: 'sessions', row: { id: 'now', kind: 'vitest', status: 'failed', started_at: startedAt } },
      {
        rid: 'o',
        table: 'sessions',
        row: { id: 'old', kind: 'vitest', status: 'failed', started_at: '2020-01-01T00:00:00Z' },
      },
      result('now', 'r', { name: 'just failed', state: 'failed' }),
      result('old', 'q', { name: 'failed long ago', state: 'failed' }),
    ])
    expect(listFailures(ledger, 3_600_000).map((f) => f.name)).toEqual(['just failed'])
    ledger.close()
  })
})

describe('listFlaky()', () => {
  test('tests that both passed and failed on one sha within the window, or passed on a retry', () => {
    const ledger = openLedger(':memory:', { reapAborted: false })
    const session = (id: string, minute: number, sha: string): LedgerRecord => ({
      rid: id,
      table: 'sessions',
      row: { id, kind: 'vitest', status: 'passed', started_at: `2026-01-01T00:0${minute}:00Z`, git_sha: sha },
    })
    ledger.write([
      session('s1', 1, 'aaa'),
      session('s2', 2, 'aaa'),
      session('s3', 3, 'bbb'),
      session('s4', 4, 'bbb'),
      // Flips on one sha: flaky.
      result('s1', 'f1', { project: 'unit', file: 'a', name: 'flips' }),
      result('s2', 'f2', { project: 'unit', file: 'a', name: 'flips', state: 'failed' }),
      // Passed on sha aaa, failed on sha bbb: a change broke it, not flaky.
      result('s2', 'b1', { project: 'unit', file: 'a', name: 'broke' }),
      result('s3', 'b2', { project: 'unit', file: 'a', name: 'broke', state: 'failed' }),
      // Passed only on a retry.
      result('s4', 'r1', { project: 'unit', file: 'a', name: 'retried', flaky: 1, retry_count: 1 }),
      // Skipped both times: not considered.
      result('s3', 'k1', { project: 'unit', file: 'a', name: 'skipped', state: 'skipped', flaky: 1 }),
    ])
    expect(listFlaky(ledger, 10)).toEqual([
      { project: 'unit', file: 'a', name: 'flips', git_sha: 'aaa', passed: 1, failed: 1, retried: 0, failed_on: null },
      {
        project: 'unit',
        file: 'a',
        name: 'retried',
        git_sha: 'bbb',
        passed: 1,
        failed: 0,
        retried: 1,
        failed_on: null,
      },
    ])
    // A window of the newest two sessions leaves out the flip on aaa.
    expect(listFlaky(ledger, 2).map((t) => t.name)).toEqual(['retried'])
    ledger.close()
  })
})

describe('listQuestions()', () => {
  test('the assistant events (error-capture questions), newest first, at most `limit`', () => {
    const ledger = ledgerWith(['s'])
    ledger.write(
      [1, 2, 3].map(
        (i): LedgerRecord => ({
          rid: `q${i}`,
          table: 'events',
          row: { session_id: 's', ts: `2026-01-01T00:00:0${i}Z`, role: 'assistant', message: `q${i}`, data_json: null },
        }),
      ),
    )
    ledger.write([
      { rid: 't', table: 'events', row: { session_id: 's', ts: '2026-01-02T00:00:00Z', role: 'tool', message: 'no' } },
    ])
    expect(listQuestions(ledger).map((q) => q.message)).toEqual(['q3', 'q2', 'q1'])
    expect(listQuestions(ledger, 1)).toEqual([
      { ts: '2026-01-01T00:00:03Z', session_id: 's', message: 'q3', data_json: null },
    ])
    ledger.close()
  })
})

describe('showSession()', () => {
  test('tallies per project, failures, expected failures, gates, findings, coverage and the events worth showing', () => {
    const ledger = ledgerWith(['s1', 'other'])
    ledger.write([
      result('s1', 'r1', { project: 'unit', file: 'a.spec.ts', name: 'ok', duration_ms: 1.26 }),
      result('s1', 'r2', {
        project: 'unit',
        file: 'a.spec.ts',
        name: 'bad',
        state: 'failed',
        error: 'boom',
        duration_ms: 2,
      }),
      result('s1', 'r3', { project: 'gates', file: 'g.gate.ts', name: 'skip', state: 'skipped' }),
      result('s1', 'r4', { project: null, file: 'b.spec.ts', name: 'todo', state: 'todo' }),
      result('s1', 'r5', { project: 'unit', file: 'a.spec.ts', name: 'fails as declared', expected_fail: 1 }),
      result('other', 'r6', { project: 'unit', name: 'elsewhere', state: 'failed' }),
      {
        rid: 'g1',
        table: 'gate_runs',
        row: { session_id: 's1', gate: 'secrets', status: 'failed', findings_count: 1 },
      },
      {
        rid: 'f1',
        table: 'findings',
        row: {
          session_id: 's1',
          gate: 'secrets',
          severity: 'error',
          rule: 'r',
          file: 'x',
          line: 3,
          message: 'm',
          fingerprint: 'fp',
        },
      },
      { rid: 'c1', table: 'coverage', row: { session_id: 's1', scope: 'all', lines_pct: 91.5, branches_pct: 88 } },
      ...(['info', 'warn', 'error'] as const).map(
        (level, i): LedgerRecord => ({
          rid: `e${i}`,
          table: 'events',
          row: { session_id: 's1', ts: `2026-01-01T00:00:0${i}Z`, role: 'system', level, message: level },
        }),
      ),
      {
        rid: 'e9',
        table: 'events',
        row: { session_id: 's1', ts: '2026-01-01T00:00:09Z', role: 'tool', message: 'ran' },
      },
    ])
    const detail = showSession(ledger, 's1')
    expect(detail.session).toMatchObject({ id: 's1', kind: 'vitest' })
    expect(detail.projects).toEqual([
      { project: '', passed: 0, failed: 0, skipped: 0, todo: 1, duration_ms: 0 },
      { project: 'gates', passed: 0, failed: 0, skipped: 1, todo: 0, duration_ms: 0 },
      { project: 'unit', passed: 2, failed: 1, skipped: 0, todo: 0, duration_ms: 3.3 },
    ])
    expect(detail.failures).toEqual([{ project: 'unit', file: 'a.spec.ts', name: 'bad', error: 'boom' }])
    expect(detail.expectedFailures).toEqual([
      { project: 'unit', file: 'a.spec.ts', name: 'fails as declared', state: 'passed' },
    ])
    expect(detail.gates).toEqual([
      { gate: 'secrets', status: 'failed', duration_ms: null, findings_count: 1, cached_from: null, reason: null },
    ])
    expect(detail.findings).toEqual([
      { gate: 'secrets', severity: 'error', rule: 'r', file: 'x', line: 3, message: 'm', remediation: null },
    ])
    expect(detail.coverage).toEqual([
      { scope: 'all', lines_pct: 91.5, branches_pct: 88, functions_pct: null, statements_pct: null },
    ])
    expect(detail.events.map((e) => e.message)).toEqual(['warn', 'error', 'ran'])
    ledger.close()
  })

  test('an id with no session gives an empty detail rather than failing', () => {
    const ledger = ledgerWith(['abc'])
    expect(showSession(ledger, 'nope')).toEqual({
      session: {},
      projects: [],
      failures: [],
      expectedFailures: [],
      gates: [],
      findings: [],
      coverage: [],
      events: [],
    })
    ledger.close()
  })
})
