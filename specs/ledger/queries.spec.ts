import { describe, expect, test } from 'vitest'
import type { Ledger } from '../../src/ledger/ledger.ts'
import { openLedger } from '../../src/ledger/open-ledger.ts'
import { listSessions, resolveSessionId, type SessionSummary, showSession } from '../../src/ledger/queries.ts'
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
})

describe('showSession()', () => {
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
