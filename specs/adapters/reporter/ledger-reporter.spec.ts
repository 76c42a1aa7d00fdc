import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { ledgerCli } from '../../../src/app/ledger/ledger-command.ts'
import { openLedger } from '../../../src/ledger/open-ledger.ts'
import { runFixture } from '../../support/run-fixture.ts'
import { REPO_ROOT, tempDir } from '../../support/temp-dir.ts'
import { textIo } from '../../support/text-io.ts'

describe('LedgerReporter on a real Vitest run', () => {
  const dir = tempDir('reporter-')
  const ledgerPath = join(dir, 'ledger.db')
  let run: { code: number; output: string }
  type Row = Record<string, unknown>
  let session: Row
  let results: Row[]

  beforeAll(() => {
    run = runFixture(ledgerPath)
    const ledger = openLedger(ledgerPath)
    session = ledger.get<Row>('SELECT * FROM sessions') as Row
    results = ledger.all<Row>('SELECT * FROM test_results ORDER BY id')
    ledger.close()
  }, 90_000)

  test('the run fails (one failing test, one broken file) and is one failed session', () => {
    expect(run.code).toBe(1)
    expect(session).toMatchObject({
      kind: 'vitest',
      command: 'vitest run',
      status: 'failed',
      tests_total: 7,
      tests_passed: 3,
      tests_failed: 1,
      tests_skipped: 2,
      tests_todo: 1,
      projects_json: '["fixture"]',
      node_version: process.version,
    })
    expect(session.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(typeof session.host).toBe('string')
    expect(session.pid).toBeGreaterThan(0)
    expect(Date.parse(session.ended_at as string)).toBeGreaterThanOrEqual(Date.parse(session.started_at as string))
    expect(session.duration_ms).toBeGreaterThan(0)
    expect(session.git_sha).toMatch(/^[0-9a-f]{40}$/)
    expect(session.git_branch).toBeTypeOf('string')
    expect([0, 1]).toContain(session.git_dirty)
    expect(session.os).toContain(process.platform)
  })

  test('the env snapshot keeps allow-listed variables only', () => {
    const env = JSON.parse(session.env_json as string) as Record<string, string>
    expect(env.CODEX_LEDGER).toBe(ledgerPath)
    expect(env.PATH).toBeUndefined()
    expect(env.HOME).toBeUndefined()
  })

  test('one row per test case, with state, retries, flakiness and skip reasons', () => {
    const byName = Object.fromEntries(results.map((r) => [r.name, r]))
    // Modules run in parallel, so only the order within a file is fixed.
    expect(results.filter((r) => r.file === 'outcomes.fixture.ts').map((r) => r.name)).toEqual([
      'passes',
      'fails',
      'skipped without reason',
      'skipped with reason',
      'planned',
      'flaky until retried',
      'gate with findings',
    ])
    expect(results).toHaveLength(8)
    expect(byName.passes).toMatchObject({
      project: 'fixture',
      file: 'outcomes.fixture.ts',
      state: 'passed',
      retry_count: 0,
      flaky: 0,
      error: null,
      skip_reason: null,
    })
    expect(byName.passes?.duration_ms).toBeGreaterThanOrEqual(0)
    expect(byName.fails).toMatchObject({ state: 'failed', retry_count: 0 })
    expect(byName.fails?.error).toMatch(/^AssertionError: expected 'left' to be 'right'/)
    expect(byName.fails?.error).toMatch(/\n {2}at .*outcomes\.fixture\.ts:\d+:\d+/)
    expect(byName['skipped without reason']).toMatchObject({ state: 'skipped', skip_reason: null })
    expect(byName['skipped with reason']).toMatchObject({ state: 'skipped', skip_reason: 'no GPU adapter here' })
    expect(byName.planned).toMatchObject({ state: 'todo' })
    expect(byName['flaky until retried']).toMatchObject({ state: 'passed', retry_count: 1, flaky: 1 })
    expect(byName['(module failed to load)']).toMatchObject({
      state: 'failed',
      file: 'broken.fixture.ts',
      project: 'fixture',
    })
    expect(String(byName['(module failed to load)']?.error)).toMatch(/Expected|Unexpected|expression/i)
    for (const r of results) expect(r.session_id).toBe(session.id)
  })

  test('a secret in an error message is redacted before it is stored', () => {
    const flaky = results.find((r) => r.name === 'flaky until retried')
    expect(flaky?.error).toContain('ghp_…[redacted 40 chars]')
    expect(readFileSync(ledgerPath)).not.toContain(`ghp_${'A1b2'.repeat(9)}`)
  })

  test('findings, gate verdicts and tool events attached as meta land in their tables', () => {
    const ledger = openLedger(ledgerPath)
    expect(
      ledger.all('SELECT gate, severity, rule, file, line, message, remediation, fingerprint FROM findings'),
    ).toEqual([
      {
        gate: 'demo',
        severity: 'warn',
        rule: 'demo-rule',
        file: 'a.md',
        line: 3,
        message: 'just a warning',
        remediation: 'ignore it',
        fingerprint: 'fp1',
      },
    ])
    expect(ledger.all('SELECT gate, status, cache_key, findings_count FROM gate_runs')).toEqual([
      { gate: 'demo', status: 'passed', cache_key: 'k1', findings_count: 1 },
    ])
    expect(ledger.all("SELECT role, level, message, data_json FROM events WHERE role = 'tool'")).toEqual([
      { role: 'tool', level: 'info', message: 'probe node', data_json: '{"version":"v20"}' },
    ])
    ledger.close()
  })

  test('each failure becomes an error-capture block and its question', () => {
    const blocks = readFileSync(join(dir, 'errors.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(blocks).toHaveLength(2)
    expect(blocks.map((b) => b.step).sort()).toEqual(['loading test file broken.fixture.ts', 'test "fails"'])
    const fails = blocks.find((b) => b.step === 'test "fails"')
    expect(fails).toMatchObject({
      session_id: session.id,
      error: "expected 'left' to be 'right' // Object.is equality",
      context: 'project fixture, file outcomes.fixture.ts',
    })
    const ledger = openLedger(ledgerPath)
    const questions = ledger.all<{ message: string }>("SELECT message FROM events WHERE role = 'assistant' ORDER BY id")
    ledger.close()
    expect(questions.map((q) => q.message)).toContain(
      `While performing test "fails", encountered the following error: expected 'left' to be 'right' // Object.is equality. Context: project fixture, file outcomes.fixture.ts. What are the possible causes, and how can this be resolved while preserving intended functionality?`,
    )
  })
})

describe('LedgerReporter with GATES_ROOT (gating another tree)', () => {
  test("the session records the gated repository's commit, branch and dirty flag, not this one's", () => {
    const gated = tempDir('reporter-gated-')
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: gated, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()
    git('init', '-q', '-b', 'gated-branch')
    writeFileSync(join(gated, 'a.txt'), 'one\n')
    git('add', 'a.txt')
    git('-c', 'user.email=spec@example.org', '-c', 'user.name=spec', 'commit', '-q', '-m', 'gated')
    writeFileSync(join(gated, 'a.txt'), 'two\n') // a tracked change: dirty
    const sha = git('rev-parse', 'HEAD')

    const ledgerPath = join(tempDir('reporter-gated-ledger-'), 'ledger.db')
    runFixture(ledgerPath, undefined, { GATES_ROOT: gated })
    const ledger = openLedger(ledgerPath)
    const session = ledger.get<Record<string, unknown>>('SELECT git_sha, git_branch, git_dirty, git_tree FROM sessions')
    ledger.close()
    expect(session).toEqual({
      git_sha: sha,
      git_branch: 'gated-branch',
      git_dirty: 1,
      git_tree: git('rev-parse', 'HEAD^{tree}'),
    })
  }, 90_000)
})

describe('LedgerReporter on test.fails and type-check tests', () => {
  const ledgerPath = join(tempDir('reporter-typecheck-'), 'ledger.db')
  type Row = Record<string, unknown>
  let byName: Record<string, Row>

  beforeAll(() => {
    runFixture(ledgerPath, join(REPO_ROOT, 'specs', 'fixtures', 'reporter', 'typecheck'))
    const ledger = openLedger(ledgerPath)
    const rows = ledger.all<Row>('SELECT name, file, state, expected_fail, duration_ms FROM test_results')
    ledger.close()
    byName = Object.fromEntries(rows.map((r) => [r.name, r]))
  }, 90_000)

  test('a test.fails test is stored as passed with expected_fail set; one that passed is a failure', () => {
    expect(byName['plain pass']).toMatchObject({ state: 'passed', expected_fail: 0 })
    expect(byName['known bug, expected to fail']).toMatchObject({ state: 'passed', expected_fail: 1 })
    expect(byName['known bug that got fixed']).toMatchObject({ state: 'failed', expected_fail: 1 })
  })

  test('type-check cases get a duration: an even share of the tsc pass that checked them', () => {
    const number = byName['a number is a number']
    const string = byName['a string is a string']
    expect(number).toMatchObject({ file: 'types.test-d.ts', state: 'passed' })
    expect(number?.duration_ms).toBeTypeOf('number')
    expect(number?.duration_ms as number).toBeGreaterThan(0)
    expect(string?.duration_ms).toBe(number?.duration_ms)
  })

  test('ledger show lists the expected failures', async () => {
    const previous = process.env.CODEX_LEDGER
    process.env.CODEX_LEDGER = ledgerPath
    try {
      let out = ''
      expect(
        await ledgerCli(
          ['show', 'latest'],
          textIo((t) => (out += t)),
        ),
      ).toBe(0)
      const section = out.slice(out.indexOf('expected failures'))
      expect(section.split('\n').slice(0, 5)).toEqual([
        'expected failures (test.fails: passed means it failed as expected)',
        expect.stringMatching(/^project\s+file\s+name\s+state$/),
        expect.stringMatching(/^[- ]+$/),
        expect.stringMatching(/^fixture-typecheck\s+fails\.fixture\.ts\s+known bug, expected to fail\s+passed$/),
        expect.stringMatching(/^fixture-typecheck\s+fails\.fixture\.ts\s+known bug that got fixed\s+failed$/),
      ])
    } finally {
      process.env.CODEX_LEDGER = previous
    }
  })
})
