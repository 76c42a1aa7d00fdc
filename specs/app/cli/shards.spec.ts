import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, rmSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { openLedger } from '../../../src/ledger/open-ledger.ts'
import { runFixture } from '../../support/run-fixture.ts'
import { childEnv, REPO_ROOT, tempDir } from '../../support/temp-dir.ts'

const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx')
const MAIN = join(REPO_ROOT, 'src', 'app', 'cli', 'main.ts')
const FIXTURE = join(REPO_ROOT, 'specs', 'fixtures', 'shards')

type Row = Record<string, unknown>

/** A fresh checkout of the fixture at `dir` (a new machine): whatever a run left there is gone. */
function checkout(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
  cpSync(FIXTURE, dir, { recursive: true })
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'))
}

function cli(args: string[], ledger: string): { code: number; output: string } {
  try {
    return {
      code: 0,
      output: execFileSync(TSX, [MAIN, ...args], {
        env: childEnv(ledger),
        encoding: 'utf8',
        stdio: 'pipe',
        timeout: 90_000,
      }),
    }
  } catch (error) {
    const e = error as { status: number; stdout: string; stderr: string }
    return { code: e.status, output: `${e.stdout}${e.stderr}` }
  }
}

/** What a session recorded, without ids, durations, timestamps or where it ran. */
function recorded(path: string) {
  const ledger = openLedger(path)
  try {
    const session = ledger.get<Row>('SELECT * FROM sessions') as Row
    const q = (sql: string) => ledger.all<Row>(sql, session.id)
    return {
      session,
      tests: q(
        `SELECT project, file, name, state, retry_count, flaky, expected_fail, error, skip_reason, host, shard
           FROM test_results WHERE session_id = ? ORDER BY file, name`,
      ),
      findings: q(
        'SELECT gate, severity, rule, file, line, message, fingerprint FROM findings WHERE session_id = ? ORDER BY gate, rule, fingerprint',
      ),
      gates: q('SELECT gate, status, cache_key, findings_count FROM gate_runs WHERE session_id = ? ORDER BY gate'),
      events: q('SELECT role, level, message FROM events WHERE session_id = ? ORDER BY role, message'),
      coverage: q(
        'SELECT scope, lines_pct, branches_pct, functions_pct, statements_pct FROM coverage WHERE session_id = ? ORDER BY scope',
      ),
    }
  } finally {
    ledger.close()
  }
}

const without = (rows: Row[], ...keys: string[]) =>
  rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !keys.includes(k))))

describe('codex-gates run --shard i/3 + codex-gates merge', () => {
  const dir = tempDir('shards-')
  const work = join(dir, 'checkout') // the same path on every "machine", as Vitest's merge wants
  const blobs = join(dir, 'blobs')
  const unshardedDb = join(dir, 'unsharded.db')
  const shardedDb = join(dir, 'sharded.db')
  const shardRuns: { code: number; output: string }[] = []
  let merge: { code: number; output: string }
  let whole: ReturnType<typeof recorded>
  let merged: ReturnType<typeof recorded>

  beforeAll(() => {
    checkout(work)
    runFixture(unshardedDb, work)
    whole = recorded(unshardedDb)
    for (const i of [1, 2, 3]) {
      checkout(work)
      shardRuns.push(
        cli(['run', '--root', work, '--shard', `${i}/3`, '--blob-dir', blobs, '--host', `host-${i}`], shardedDb),
      )
    }
    checkout(work)
    merge = cli(['merge', blobs, '--root', work, '--coverage'], shardedDb)
    merged = recorded(shardedDb)
  }, 240_000)

  test('each shard writes a blob and no ledger session; coverage thresholds stay off in shards', () => {
    for (const i of [1, 2, 3]) expect(existsSync(join(blobs, `blob-${i}-3.json`))).toBe(true)
    for (const run of shardRuns) expect(run.output).not.toMatch(/does not meet .*threshold/)
    const ledger = openLedger(shardedDb)
    expect(ledger.all('SELECT id FROM sessions')).toHaveLength(1) // the merge's
    ledger.close()
  })

  test('the merged session has exactly the rows, states and findings of the unsharded run', () => {
    expect(merged.tests.length).toBe(12)
    expect(merged.findings).toHaveLength(2)
    expect(without(merged.tests, 'host', 'shard')).toEqual(without(whole.tests, 'host', 'shard'))
    expect(merged.findings).toEqual(whole.findings)
    expect(merged.gates).toEqual(whole.gates)
    expect(merged.events).toEqual(whole.events)
    const counts = (s: Row) => [s.status, s.tests_total, s.tests_passed, s.tests_failed, s.tests_skipped, s.tests_todo]
    expect(counts(merged.session)).toEqual(counts(whole.session))
    expect(merged.session.status).toBe('failed') // a-outcomes has one failing test
    expect(merge.code).toBe(1)
  })

  test('coverage is merged: thresholds met by the whole, the same rows as the unsharded run', () => {
    expect(whole.coverage.length).toBeGreaterThan(0)
    expect(merged.coverage).toEqual(whole.coverage)
    expect(merge.output).not.toMatch(/does not meet .*threshold/)
  })

  test('each merged row keeps the host and shard that ran it; unsharded rows this host and no shard', () => {
    const byFile = new Map<unknown, Set<string>>()
    for (const t of merged.tests) {
      expect(t.host).toBe(`host-${String(t.shard).split('/')[0]}`)
      expect(t.shard).toMatch(/^[123]\/3$/)
      byFile.set(t.file, (byFile.get(t.file) ?? new Set()).add(String(t.shard)))
    }
    for (const shards of byFile.values()) expect(shards.size).toBe(1) // a file runs on one shard
    expect(new Set(merged.tests.map((t) => t.shard)).size).toBe(3)
    for (const t of whole.tests) expect(t).toMatchObject({ host: expect.any(String), shard: null })
  })
})

describe('codex-gates plan-shards N + run --shard i/N --balanced', () => {
  const dir = tempDir('balanced-')
  const work = join(dir, 'checkout')
  const db = join(dir, 'ledger.db')
  const plan = join(dir, 'plan.json')

  beforeAll(() => {
    checkout(work)
    runFixture(db, work) // the history the plan reads
  }, 120_000)

  test('the plan covers every test file once; the balanced shards run exactly those and merge', () => {
    const planned = cli(['plan-shards', '2', '--root', work, '--out', plan, '--json'], db)
    expect(planned.code).toBe(0)
    const parsed = JSON.parse(planned.output) as { shards: { files: string[] }[]; newFiles: string[] }
    expect(parsed.shards.flatMap((s) => s.files).sort()).toEqual([
      'a-outcomes.fixture.ts',
      'b-findings.fixture.ts',
      'c-plain.fixture.ts',
      'd-plain.fixture.ts',
      'e-plain.fixture.ts',
    ])
    expect(parsed.newFiles).toEqual([])
    const blobs = join(dir, 'blobs')
    for (const i of [1, 2])
      cli(['run', '--root', work, '--shard', `${i}/2`, '--balanced', '--plan', plan, '--blob-dir', blobs], db)
    cli(['merge', blobs, '--root', work], db)
    const ledger = openLedger(db)
    const session = ledger.get<Row>('SELECT id FROM sessions ORDER BY started_at DESC, rowid DESC LIMIT 1') as Row
    const rows = ledger.all<Row>('SELECT file, shard FROM test_results WHERE session_id = ?', session.id)
    ledger.close()
    expect(rows).toHaveLength(12)
    for (const [i, shard] of parsed.shards.entries())
      for (const file of shard.files)
        expect(new Set(rows.filter((r) => r.file === file).map((r) => r.shard))).toEqual(new Set([`${i + 1}/2`]))
  }, 180_000)

  test('--balanced against a plan for another shard count is exit 2 with the fix', () => {
    const run = cli(['run', '--root', work, '--shard', '1/3', '--balanced', '--plan', plan, '--blob-dir', dir], db)
    expect(run.code).toBe(2)
    expect(run.output).toContain('plans 2 shards, not 3')
    expect(run.output).toContain('codex-gates plan-shards 3')
  }, 60_000)
})

describe('sharded runs: usage mistakes are exit 2 with the fix', () => {
  const dir = tempDir('shard-usage-')

  test('run --shard without --blob-dir; a bad i/N; merge of a folder without blobs', () => {
    const db = join(dir, 'ledger.db')
    const noDir = cli(['run', '--root', dir, '--shard', '1/2'], db)
    expect(noDir.code).toBe(2)
    expect(noDir.output).toContain('--blob-dir is missing')
    const bad = cli(['run', '--root', dir, '--shard', '3/2', '--blob-dir', dir], db)
    expect(bad.code).toBe(2)
    expect(bad.output).toContain('--shard 3/2: expected i/N with 1 ≤ i ≤ N')
    const empty = cli(['merge', join(dir, 'nothing-here'), '--root', dir], db)
    expect(empty.code).toBe(2)
    expect(empty.output).toContain('no such folder')
    expect(empty.output).toContain('codex-gates run --shard i/N --blob-dir DIR')
  }, 60_000)
})
