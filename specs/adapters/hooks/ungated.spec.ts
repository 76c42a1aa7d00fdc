import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { findUngated, readGateRecords } from '../../../src/adapters/hooks/ungated.ts'
import { openLedger } from '../../../src/ledger/open-ledger.ts'
import type { LedgerRecord } from '../../../src/ledger/records.ts'
import { tempDir } from '../../support/temp-dir.ts'

const commit = (n: number) => ({
  sha: `${n}`.repeat(40).slice(0, 40),
  tree: `t${n}`.repeat(20).slice(0, 40),
  author: 'A <a@example.test>',
  date: '2026-01-01T00:00:00Z',
  subject: `commit ${n}`,
})
const session = (id: string, tree: string, status: string, kind = 'pre-commit'): LedgerRecord => ({
  rid: `s-${id}-${status}`,
  table: 'sessions',
  row: { id, kind, status, started_at: '2026-01-01T00:00:00Z', git_tree: tree },
})

describe('findUngated()', () => {
  test('a commit is gated when a passed pre-commit session checked its exact tree', () => {
    const [a, b, c, d] = [commit(1), commit(2), commit(3), commit(4)]
    const records = {
      passedTrees: new Map([[a.tree, 'session-a']]),
      failedTrees: new Set([c.tree]),
      commits: new Map([
        [b.sha, true],
        [a.sha, false],
      ]),
    }
    expect(findUngated([a, b, c, d], records).map((u) => [u.subject, u.reason])).toEqual([
      ['commit 2', 'bypassed'],
      ['commit 3', 'gate-failed'],
      ['commit 4', 'no-record'],
    ])
  })
})

describe('readGateRecords()', () => {
  test('reads sessions and commits from the ledger and from the NDJSON fallback beside it', () => {
    const dir = tempDir('ungated-')
    const path = join(dir, 'ledger.db')
    const [a, b, c, d, e] = [commit(1), commit(2), commit(3), commit(4), commit(5)]
    const ledger = openLedger(path)
    ledger.write([
      session('pass-a', a.tree, 'passed'),
      session('fail-b', b.tree, 'failed'),
      session('fail-c', c.tree, 'failed'),
      session('pass-c', c.tree, 'passed'), // a later pass wins over an earlier failure
      session('vitest-d', d.tree, 'passed', 'vitest'), // other kinds do not gate commits
      session('running-e', e.tree, 'running'), // still running: neither passed nor failed
      { rid: 'c-b', table: 'commits', row: { sha: b.sha, tree: b.tree, linked_at: 'x', bypass: 1 } },
    ])
    // Written while the ledger was unusable, not imported yet: start row, then the closing row.
    const fallback = [session('fb-d', d.tree, 'running'), session('fb-d', d.tree, 'passed')]
    writeFileSync(join(dir, 'ledger-fallback.ndjson'), `${fallback.map((r) => JSON.stringify(r)).join('\n')}\n{"torn`)
    const records = readGateRecords(ledger, path, [a, b, c, d, e])
    ledger.close()
    expect(Object.fromEntries(records.passedTrees)).toEqual({
      [a.tree]: 'pass-a',
      [c.tree]: 'pass-c',
      [d.tree]: 'fb-d',
    })
    expect([...records.failedTrees]).toEqual([b.tree])
    expect(Object.fromEntries(records.commits)).toEqual({ [b.sha]: true })
    expect(findUngated([a, b, c, d, e], records).map((u) => [u.subject, u.reason])).toEqual([
      ['commit 2', 'gate-failed'],
      ['commit 5', 'no-record'],
    ])
  })

  test('without a ledger, the fallback alone answers', () => {
    const dir = tempDir('ungated-')
    const a = commit(1)
    writeFileSync(join(dir, 'ledger-fallback.ndjson'), `${JSON.stringify(session('x', a.tree, 'passed'))}\n`)
    expect(readGateRecords(undefined, join(dir, 'ledger.db'), [a]).passedTrees.get(a.tree)).toBe('x')
  })
})
