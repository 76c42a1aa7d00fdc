import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { beforeEach, describe, expect, test } from 'vitest'
import { skipWithout } from '../../../src/adapters/vitest/skip-without.ts'
import { bestRecorded } from '../../../src/domain/coverage/coverage-history.ts'
import type { Ledger } from '../../../src/ledger/ledger.ts'
import { openLedger } from '../../../src/ledger/open-ledger.ts'
import { tempDir } from '../../support/temp-dir.ts'

function addSession(
  ledger: Ledger,
  id: string,
  status: string,
  startedAt: string,
  branch: string | null,
  lines: number,
  branches: number,
) {
  ledger.write([
    {
      rid: randomUUID(),
      table: 'sessions',
      row: { id, kind: 'vitest', status, started_at: startedAt, git_branch: branch },
    },
    {
      rid: randomUUID(),
      table: 'coverage',
      row: {
        session_id: id,
        scope: 'global',
        lines_pct: lines,
        branches_pct: branches,
        report_path: `r/${id}.json`,
        git_branch: branch,
      },
    },
  ])
}

describe('bestRecorded()', () => {
  beforeEach((ctx) => skipWithout(ctx, 'better-sqlite3'))

  test('the best figure per metric over passed sessions of the same branch, since resetAt', () => {
    const ledger = openLedger(join(tempDir('cov-history-'), 'ledger.db'))
    addSession(ledger, 'a', 'passed', '2026-01-01T00:00:00Z', 'main', 90, 70)
    addSession(ledger, 'b', 'passed', '2026-01-02T00:00:00Z', 'main', 88, 75)
    addSession(ledger, 'c', 'failed', '2026-01-03T00:00:00Z', 'main', 99, 99)
    addSession(ledger, 'd', 'passed', '2026-01-04T00:00:00Z', 'topic', 95, 95)
    addSession(ledger, 'e', 'passed', '2026-01-05T00:00:00Z', null, 60, 60)

    expect(bestRecorded(ledger, { scope: 'global', gitBranch: 'main', since: null })).toEqual({
      lines: { value: 90, sessionId: 'a', reportPath: 'r/a.json' },
      branches: { value: 75, sessionId: 'b', reportPath: 'r/b.json' },
    })
    expect(
      bestRecorded(ledger, { scope: 'global', gitBranch: 'main', since: '2026-01-02T00:00:00Z' }).lines?.value,
    ).toBe(88)
    expect(bestRecorded(ledger, { scope: 'global', gitBranch: null, since: null }).lines?.sessionId).toBe('e')
    expect(bestRecorded(ledger, { scope: 'src/x/**', gitBranch: 'main', since: null })).toEqual({})
    ledger.close()
  })
})
