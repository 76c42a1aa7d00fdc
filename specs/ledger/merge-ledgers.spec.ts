import { join } from 'node:path'
import Database from 'better-sqlite3'
import { beforeEach, describe, expect, test, vi } from 'vitest'
import { ledgerCli } from '../../src/app/ledger/ledger-command.ts'
import { memoryIo } from '../../src/foundation/cli/io.ts'
import { ledgerContentHash, mergeLedgers } from '../../src/ledger/merge-ledgers.ts'
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/ledger/migrations.ts'
import { openLedger } from '../../src/ledger/open-ledger.ts'
import { listFailures, listFlaky } from '../../src/ledger/queries.ts'
import type { LedgerRecord, LedgerRow } from '../../src/ledger/records.ts'
import { tempDir } from '../support/temp-dir.ts'

const SHA = 'a'.repeat(40)
let n = 0
const rid = () => `r${String(++n).padStart(31, '0')}`

/** A ledger with one session on `host` at SHA: `name` passed or failed, with a finding. */
function machineLedger(path: string, host: string, state: 'passed' | 'failed'): void {
  const id = `${host}-session`
  const session: LedgerRow = {
    id,
    kind: 'vitest',
    status: state,
    started_at: '2026-12-07T10:00:00.000Z',
    ended_at: '2026-12-07T10:00:05.000Z',
    git_sha: SHA,
    host,
  }
  const records: LedgerRecord[] = [
    { rid: rid(), table: 'sessions', row: session },
    {
      rid: rid(),
      table: 'test_results',
      row: { session_id: id, project: 'unit', file: 'a.spec.ts', name: 'net', state, host, shard: null },
    },
    {
      rid: rid(),
      table: 'findings',
      row: { session_id: id, gate: 'secrets', severity: 'warn', rule: 'r', message: `on ${host}`, fingerprint: host },
    },
  ]
  const ledger = openLedger(path)
  ledger.write(records)
  ledger.close()
}

function hashOf(path: string): string {
  const ledger = openLedger(path, { reapAborted: false })
  try {
    return ledgerContentHash(ledger)
  } finally {
    ledger.close()
  }
}

describe('mergeLedgers()', () => {
  const dir = tempDir('merge-ledgers-')
  const alice = join(dir, 'alice.db')
  const bob = join(dir, 'bob.db')
  const team = join(dir, 'team.db')
  machineLedger(alice, 'alice', 'failed')
  machineLedger(bob, 'bob', 'passed')
  // ledgerCli resolves CODEX_LEDGER (not used by merge) before it runs a command.
  beforeEach(() => {
    vi.stubEnv('CODEX_LEDGER', join(dir, 'unused.db'))
    return () => vi.unstubAllEnvs()
  })

  test('two machines of the same commit: both sessions kept apart, a re-merge gives the same database', () => {
    const first = mergeLedgers([alice, bob], team)
    expect(first.map((r) => r.added)).toEqual([3, 3])
    const hash = hashOf(team)
    const again = mergeLedgers([alice, bob], team)
    expect(again.map((r) => r.added)).toEqual([0, 0])
    expect(hashOf(team)).toBe(hash)
    const ledger = openLedger(team, { reapAborted: false })
    expect(ledger.all('SELECT id, host FROM sessions ORDER BY id')).toEqual([
      { id: 'alice-session', host: 'alice' },
      { id: 'bob-session', host: 'bob' },
    ])
    ledger.close()
  })

  test('"fails only on one machine" is one query: failures and flaky name the host and filter by it', () => {
    const ledger = openLedger(team, { reapAborted: false })
    const now = Date.parse('2026-12-07T12:00:00.000Z')
    expect(listFailures(ledger, 86_400_000, now).map((r) => r.host)).toEqual(['alice'])
    expect(listFailures(ledger, 86_400_000, now, 'bob')).toEqual([])
    expect(listFlaky(ledger, 20)).toMatchObject([{ name: 'net', passed: 1, failed: 1, failed_on: 'alice' }])
    expect(listFlaky(ledger, 20, 'bob')).toEqual([])
    ledger.close()
  })

  test('a session that ended since the last merge is updated, once', () => {
    const path = join(dir, 'running.db')
    const ledger = openLedger(path)
    const row = {
      id: 's-run',
      kind: 'vitest',
      status: 'running',
      started_at: '2026-12-07T11:00:00.000Z',
      host: 'carol',
    }
    ledger.write([{ rid: rid(), table: 'sessions', row }])
    ledger.close()
    mergeLedgers([path], team)
    const later = openLedger(path, { reapAborted: false })
    later.write([{ rid: rid(), table: 'sessions', row: { ...row, status: 'passed' } }])
    later.close()
    expect(mergeLedgers([path], team)[0]?.added).toBe(1)
    expect(mergeLedgers([path], team)[0]?.added).toBe(0)
    const out = openLedger(team, { reapAborted: false })
    expect(out.get("SELECT status FROM sessions WHERE id = 's-run'")).toEqual({ status: 'passed' })
    out.close()
  })

  test('a ledger of an older schema (2, before row ids) is migrated on a copy and merges idempotently', () => {
    const old = join(dir, 'old.db')
    const raw = new Database(old)
    for (const m of MIGRATIONS.slice(0, 2)) raw.exec(m)
    raw.pragma('user_version = 2')
    raw.exec(`INSERT INTO sessions (id, kind, status, started_at, host) VALUES ('old-s', 'vitest', 'failed', '2026-01-01T00:00:00Z', 'dave');
      INSERT INTO test_results (session_id, project, file, name, state) VALUES ('old-s', 'unit', 'b.spec.ts', 'legacy', 'failed');
      INSERT INTO test_results (session_id, project, file, name, state) VALUES ('old-s', 'unit', 'b.spec.ts', 'legacy', 'failed');`)
    raw.close()
    const result = mergeLedgers([old], team)
    expect(result[0]).toMatchObject({ schemaVersion: 2, rows: 3, added: 3 })
    const hash = hashOf(team)
    expect(mergeLedgers([old], team)[0]?.added).toBe(0)
    expect(hashOf(team)).toBe(hash)
    const check = new Database(old, { readonly: true })
    expect(check.pragma('user_version', { simple: true })).toBe(2) // the source is never written
    check.close()
    const out = openLedger(team, { reapAborted: false })
    expect(out.all("SELECT name, host FROM test_results WHERE session_id = 'old-s'")).toEqual([
      { name: 'legacy', host: null },
      { name: 'legacy', host: null },
    ])
    out.close()
  })

  test('a ledger of a newer schema is refused with exit 2 and the fix, before anything is written', async () => {
    const future = join(dir, 'future.db')
    const raw = new Database(future)
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`)
    raw.close()
    const before = hashOf(team)
    await expect(ledgerCli(['merge', alice, future, '--into', team], memoryIo())).rejects.toMatchObject({
      code: 'LEDGER_TOO_NEW',
      exitCode: 2,
      message: expect.stringContaining(`${future} has schema version ${SCHEMA_VERSION + 1}`),
      hint: expect.stringMatching(/update codex-gates/),
    })
    expect(hashOf(team)).toBe(before)
  })

  test('ledger merge without --into is exit 2 naming the flag', async () => {
    await expect(ledgerCli(['merge', alice], memoryIo())).rejects.toMatchObject({
      code: 'BAD_USAGE',
      message: 'npm run ledger -- merge: --into is missing',
    })
  })
})
