import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { ledgerCli } from '../../src/app/ledger/ledger-command.ts'
import { UserError } from '../../src/foundation/errors/user-error.ts'
import { lastResortFallbackPath } from '../../src/ledger/ledger-path.ts'
import { SCHEMA_VERSION } from '../../src/ledger/migrations.ts'
import { openLedger } from '../../src/ledger/open-ledger.ts'
import type { LedgerRecord } from '../../src/ledger/records.ts'
import { childEnv, REPO_ROOT, tempDir } from '../support/temp-dir.ts'
import { textIo } from '../support/text-io.ts'

const dir = tempDir('ledger-cli-')
const ledgerPath = join(dir, 'ledger.db')
const previous = process.env.CODEX_LEDGER

/** Runs `ledger <argv>` in-process; `out` without the final line end every printed message gets. */
async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const code = await ledgerCli(
    argv,
    textIo(
      (t) => (out += t),
      (t) => (err += t),
    ),
  )
  if (out !== '') expect(out.endsWith('\n'), 'every message ends its line').toBe(true)
  return { code, out: out.replace(/\n$/, ''), err }
}

const hour = 3600_000
const iso = (msAgo: number) => new Date(Date.now() - msAgo).toISOString()
function session(id: string, msAgo: number, sha: string, status = 'passed', kind = 'vitest'): LedgerRecord {
  return {
    rid: `s-${id}`,
    table: 'sessions',
    row: { id, kind, status, started_at: iso(msAgo), git_sha: sha, tests_total: 2 },
  }
}
function result(sessionId: string, name: string, state: string, flaky = 0): LedgerRecord {
  return {
    rid: `t-${sessionId}-${name}`,
    table: 'test_results',
    row: {
      session_id: sessionId,
      project: 'unit',
      file: 'a.spec.ts',
      name,
      state,
      flaky,
      error: state === 'failed' ? 'AssertionError: nope\n  at x' : null,
    },
  }
}

beforeAll(() => {
  process.env.CODEX_LEDGER = ledgerPath
  const ledger = openLedger(ledgerPath)
  ledger.write([
    session('aaaa1111-old', 10 * 24 * hour, 'sha1', 'failed'),
    result('aaaa1111-old', 'ancient failure', 'failed'),
    session('bbbb2222', 3 * hour, 'sha2', 'failed'),
    result('bbbb2222', 'steady', 'passed'),
    result('bbbb2222', 'wobbly', 'failed'),
    session('cccc3333', 2 * hour, 'sha2'),
    result('cccc3333', 'steady', 'passed'),
    result('cccc3333', 'wobbly', 'passed'),
    session('dddd4444', 1 * hour, 'sha3', 'passed', 'pre-commit'),
    result('dddd4444', 'retried', 'passed', 1),
    {
      rid: 'q1',
      table: 'events',
      row: {
        session_id: 'bbbb2222',
        ts: iso(3 * hour),
        role: 'assistant',
        level: 'error',
        message: 'While performing test "wobbly", …',
        data_json: '{"step":"test \\"wobbly\\""}',
      },
    },
  ])
  ledger.close()
})
afterAll(() => {
  process.env.CODEX_LEDGER = previous
})

describe('npm run ledger', () => {
  test('sessions: newest first, --kind and --limit filter, --json for machines', async () => {
    const all = JSON.parse((await cli('sessions', '--json')).out)
    expect(all.map((s: { id: string }) => s.id)).toEqual(['dddd4444', 'cccc3333', 'bbbb2222', 'aaaa1111-old'])
    const pre = JSON.parse((await cli('sessions', '--kind', 'pre-commit', '--json')).out)
    expect(pre.map((s: { id: string }) => s.id)).toEqual(['dddd4444'])
    expect(JSON.parse((await cli('sessions', '--limit', '1', '--json')).out)).toHaveLength(1)
    const table = (await cli('sessions')).out
    expect(table.split('\n')[0]).toMatch(/^id\s+kind\s+status\s+started/)
    expect(table).toContain('dddd4444  pre-commit')
  })

  test('show: resolves latest and id prefixes, lists per-project tallies and failures', async () => {
    const detail = JSON.parse((await cli('show', 'bbbb', '--json')).out)
    expect(detail.session.id).toBe('bbbb2222')
    expect(detail.projects).toEqual([{ project: 'unit', passed: 1, failed: 1, skipped: 0, todo: 0, duration_ms: 0 }])
    expect(detail.failures).toEqual([
      { project: 'unit', file: 'a.spec.ts', name: 'wobbly', error: 'AssertionError: nope\n  at x' },
    ])
    expect(JSON.parse((await cli('show', 'latest', '--json')).out).session.id).toBe('dddd4444')
    expect((await cli('show', 'bbbb2222')).out).toContain('failures')
    await expect(cli('show', 'zzzz')).rejects.toThrow(UserError)
  })

  test('failures: only within --since', async () => {
    const recent = JSON.parse((await cli('failures', '--json')).out)
    expect(recent.map((f: { name: string }) => f.name)).toEqual(['wobbly'])
    const all = JSON.parse((await cli('failures', '--since', '30d', '--json')).out)
    expect(all.map((f: { name: string }) => f.name)).toEqual(['wobbly', 'ancient failure'])
    await expect(cli('failures', '--since', 'last-week')).rejects.toThrow(
      '--since must look like 7d, 12h or 30m, got "last-week"',
    )
  })

  test('flaky: outcome changed on the same sha, or passed only on retry', async () => {
    const flaky = JSON.parse((await cli('flaky', '--json')).out)
    expect(flaky).toEqual([
      {
        project: 'unit',
        file: 'a.spec.ts',
        name: 'wobbly',
        git_sha: 'sha2',
        passed: 1,
        failed: 1,
        retried: 0,
        failed_on: null,
      },
      {
        project: 'unit',
        file: 'a.spec.ts',
        name: 'retried',
        git_sha: 'sha3',
        passed: 1,
        failed: 0,
        retried: 1,
        failed_on: null,
      },
    ])
    // A window that only covers the newest session no longer sees the wobble.
    expect(
      JSON.parse((await cli('flaky', '--window', '1', '--json')).out).map((f: { name: string }) => f.name),
    ).toEqual(['retried'])
  })

  test('questions: the error-capture questions', async () => {
    const out = (await cli('questions')).out
    expect(out).toContain('While performing test "wobbly"')
  })

  test('export → import into another ledger reproduces it, and a second import adds nothing', async () => {
    const file = join(dir, 'dump.ndjson')
    expect((await cli('export', '--out', file)).code).toBe(0)
    const lines = readFileSync(file, 'utf8').trim().split('\n')
    expect(lines.length).toBe(11)
    process.env.CODEX_LEDGER = join(dir, 'copy.db')
    try {
      expect((await cli('import', file)).out).toBe(`imported 11 of 11 records from ${file} (0 already present)`)
      expect((await cli('import', file)).out).toBe(`imported 0 of 11 records from ${file} (11 already present)`)
      const copy = openLedger(join(dir, 'copy.db'))
      expect(copy.get('SELECT COUNT(*) AS n FROM test_results')).toEqual({ n: 6 })
      copy.close()
    } finally {
      process.env.CODEX_LEDGER = ledgerPath
    }
  })

  test('export --format csv quotes fields with commas, quotes and newlines', async () => {
    const csv = (await cli('export', '--format', 'csv', '--table', 'test_results')).out
    expect(csv.split('\n')[0]).toBe(
      'id,session_id,project,file,name,state,duration_ms,retry_count,flaky,error,skip_reason,test_id,expected_fail,rid,host,shard',
    )
    expect(csv).toContain('"AssertionError: nope\n  at x"')
    await expect(cli('export', '--format', 'xml')).rejects.toThrow(
      'npm run ledger -- export: --format must be one of ndjson, csv; got "xml"',
    )
  })

  test('migrate, vacuum and path', async () => {
    expect((await cli('migrate')).out).toContain(`schema version ${SCHEMA_VERSION} (code ${SCHEMA_VERSION})`)
    expect((await cli('vacuum')).code).toBe(0)
    expect((await cli('path')).out).toBe(ledgerPath)
  })

  test('bad usage names the command or flag and the nearest valid one', async () => {
    await expect(cli('sesions')).rejects.toThrow('npm run ledger --: unknown command "sesions"')
    await expect(cli('sessions', '--limt', '3')).rejects.toMatchObject({
      hint: expect.stringContaining('did you mean --limit?'),
    })
    expect((await cli('--help')).out).toMatch(/^usage: npm run ledger -- <command>/)
    const flaky = (await cli('flaky', '--help')).out
    expect(flaky).toContain('usage: npm run ledger -- flaky [options]')
    expect(flaky).toMatch(/--window <integer>\s+how many recent sessions to compare \(default: 20\)/)
    expect(flaky).toMatch(/--host <name>\s+only tests run on this host/)
  })

  test('through the real script: exit 2 and a message, never a stack trace', () => {
    let failure: { status: number; stderr: string } | undefined
    try {
      execFileSync(
        join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
        [join(REPO_ROOT, 'scripts', 'ledger.ts'), 'sessions', '--limit', 'many'],
        {
          env: childEnv(ledgerPath),
          encoding: 'utf8',
          stdio: 'pipe',
        },
      )
    } catch (error) {
      failure = error as { status: number; stderr: string }
    }
    expect(failure?.status).toBe(2)
    expect(failure?.stderr).toBe(
      'error: npm run ledger -- sessions: --limit must be a whole number ≥ 0, got "many"\n  hint: e.g. --limit 20\n',
    )
  })
})

describe('npm run ledger: text output, defaults and degraded paths', () => {
  const textDir = tempDir('ledger-cli-text-')
  const textLedger = join(textDir, 'ledger.db')
  const minute = 60_000
  const dirty: LedgerRecord = {
    rid: 's-dirty',
    table: 'sessions',
    row: {
      id: 'eeee5555-dirty',
      kind: 'vitest',
      status: 'failed',
      started_at: '2026-03-01T10:00:00.000Z',
      duration_ms: 12_345,
      git_sha: 'abcdef1234567890',
      git_branch: 'feat',
      git_dirty: 1,
    },
  }
  const noSha = (id: string, msAgo: number): LedgerRecord => ({
    rid: `s-${id}`,
    table: 'sessions',
    row: { id, kind: 'train', status: 'failed', started_at: iso(msAgo) },
  })

  const withoutError = (r: LedgerRecord): LedgerRecord => ({
    rid: `${r.rid}-no-error`,
    table: r.table,
    row: { ...r.row, error: null },
  })

  beforeAll(() => {
    process.env.CODEX_LEDGER = textLedger
    const ledger = openLedger(textLedger)
    ledger.write([
      { ...dirty, row: { ...dirty.row, started_at: iso(60 * minute) } },
      result('eeee5555-dirty', 'mystery', 'failed'),
      withoutError(result('eeee5555-dirty', 'mystery', 'failed')),
      result('eeee5555-dirty', 'retried', 'passed', 1),
      noSha('ffff6666', 20 * minute),
      result('ffff6666', 'flip', 'failed'),
      noSha('gggg7777', 40 * minute),
      result('gggg7777', 'flip', 'passed'),
      {
        rid: 'q-plain',
        table: 'events',
        row: { session_id: 'ffff6666', ts: iso(20 * minute), role: 'assistant', message: 'Why?', data_json: null },
      },
      {
        rid: 'q-data',
        table: 'events',
        row: { session_id: 'ffff6666', ts: iso(10 * minute), role: 'assistant', message: 'How?', data_json: '[1]' },
      },
    ])
    ledger.close()
  })
  afterAll(() => {
    process.env.CODEX_LEDGER = ledgerPath
  })

  test('sessions: seconds to one decimal, blank where a session has no duration or sha', async () => {
    const lines = (await cli('sessions')).out.split('\n')
    expect(lines[0]).toMatch(/^id\s+kind\s+status\s+started\s+secs\s+tests\s+passed\s+failed\s+skipped\s+sha$/)
    // No duration or sha; no counts in the row either, so those of its one stored result.
    expect(lines[2]).toMatch(/^ffff6666 {2}train\s+failed {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {8}1 {6}0 {7}1 {7}0$/)
    expect(lines.find((l) => l.startsWith('eeee5555'))).toMatch(/ 12\.3 +3 +1 +2 +0 +abcdef12$/)
  })

  test('show: without an id shows the latest; the header names sha, branch and a dirty tree', async () => {
    expect((await cli('show')).out).toMatch(/^session ffff6666 {2}train {2}failed {2}\S+ {2}git - \n/)
    const text = (await cli('show', 'eeee')).out
    expect(text.split('\n')[0]).toMatch(
      /^session eeee5555-dirty {2}vitest {2}failed {2}\S+ {2}git abcdef12 feat \(dirty\)$/,
    )
    // Failures show the error's first line only; a failure without an error leaves the cell blank.
    const failures = text.slice(text.indexOf('\nfailures\n'))
    expect(failures).toContain('AssertionError: nope\n')
    expect(failures).not.toContain('  at x')
    expect(failures.split('\n').filter((l) => l.includes('mystery'))).toEqual([
      expect.stringMatching(/mystery\s+AssertionError: nope$/),
      expect.stringMatching(/mystery$/),
    ])
  })

  test('failures: a table of when, session, project, file > test and the first line of the error', async () => {
    const lines = (await cli('failures')).out.split('\n')
    expect(lines[0]).toMatch(/^when\s+session\s+host\s+project\s+test\s+error$/)
    expect(lines.slice(2)).toEqual([
      expect.stringMatching(/ ffff6666\s+unit\s+a\.spec\.ts > flip\s+AssertionError: nope$/),
      expect.stringMatching(/ eeee5555\s+unit\s+a\.spec\.ts > mystery\s+AssertionError: nope$/),
      expect.stringMatching(/ eeee5555\s+unit\s+a\.spec\.ts > mystery$/),
    ])
  })

  test('flaky: short shas, blank for sessions without one (sessions with no sha count as one sha)', async () => {
    const lines = (await cli('flaky')).out.split('\n')
    expect(lines[0]).toMatch(/^project\s+file\s+name\s+git_sha\s+passed\s+failed\s+retried\s+failed_on$/)
    expect(lines.slice(2)).toEqual([
      expect.stringMatching(/^unit\s+a\.spec\.ts\s+flip\s+1\s+1\s+0\s*$/),
      expect.stringMatching(/^unit\s+a\.spec\.ts\s+retried\s+abcdef12\s+1\s+0\s+1\s*$/),
    ])
  })

  test('questions: --json parses the data of each question (null when it has none); --limit 0 prints (none)', async () => {
    const rows = JSON.parse((await cli('questions', '--json')).out)
    expect(rows.map((r: { message: string; data: unknown }) => [r.message, r.data])).toEqual([
      ['How?', [1]],
      ['Why?', null],
    ])
    expect(rows[0]).not.toHaveProperty('data_json')
    expect((await cli('questions', '--limit', '0')).out).toBe('(none)')
  })

  test('export: NDJSON to stdout by default, CSV of test_results by default, a bad --out names the path', async () => {
    const ndjson = (await cli('export')).out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(ndjson).toHaveLength(10)
    expect(ndjson[0]).toMatchObject({
      rid: expect.stringMatching(/^sessions:eeee5555-dirty:[0-9a-f]{16}$/),
      table: 'sessions',
      row: { id: 'eeee5555-dirty' },
    })
    // Append-only rows keep the id of the record that wrote them.
    expect(ndjson.find((r: { table: string }) => r.table === 'events')).toMatchObject({ rid: 'q-plain' })
    expect((await cli('export', '--format', 'csv')).out.split('\n')[0]).toBe(
      'id,session_id,project,file,name,state,duration_ms,retry_count,flaky,error,skip_reason,test_id,expected_fail,rid,host,shard',
    )
    const out = join(textDir, 'no-such-dir', 'dump.ndjson')
    await expect(cli('export', '--out', out)).rejects.toMatchObject({
      code: 'BAD_FLAG',
      message: `--out ${out} cannot be written: ENOENT: no such file or directory, open '${out}'`,
      hint: 'pass a file in an existing, writable folder',
    })
  })

  test.skipIf(!existsSync('/dev/full'))(
    'export: a write that fails after the file opened (disk full) fails the command',
    async () => {
      await expect(cli('export', '--out', '/dev/full')).rejects.toThrow(/^ENOSPC/)
    },
  )

  test('import: without a file reads every fallback this ledger may have (beside it, and the last resort in the temp folder)', async () => {
    const previousFallback = process.env.CODEX_LEDGER_FALLBACK
    delete process.env.CODEX_LEDGER_FALLBACK
    const fallback = join(textDir, 'ledger-fallback.ndjson')
    const lastResort = lastResortFallbackPath(textLedger)
    try {
      expect((await cli('import')).out).toBe(`nothing to import: no fallback at ${fallback} or ${lastResort}`)
      writeFileSync(fallback, `${JSON.stringify(noSha('hhhh8888', 5 * minute))}\n`)
      // The disk was full: the rest of the run went to the last resort, which imports without being named.
      writeFileSync(
        lastResort,
        `${JSON.stringify(noSha('hhhh8888', 5 * minute))}\n${JSON.stringify(result('hhhh8888', 'late', 'passed'))}\n`,
      )
      expect(JSON.parse((await cli('import', '--json')).out)).toEqual({
        read: 3,
        imported: 2,
        files: [
          { file: fallback, read: 1, imported: 1, torn: [] },
          { file: lastResort, read: 2, imported: 1, torn: [] },
        ],
      })
      expect((await cli('import')).out).toBe(
        `imported 0 of 1 records from ${fallback} (1 already present)\nimported 0 of 2 records from ${lastResort} (2 already present)`,
      )
    } finally {
      rmSync(lastResort, { force: true })
      if (previousFallback !== undefined) process.env.CODEX_LEDGER_FALLBACK = previousFallback
    }
  })

  test('import: a torn line (a crash mid-append, then more runs) is skipped and named by file:line; the rest imports', async () => {
    const file = join(textDir, 'torn.ndjson')
    const whole = JSON.stringify(result('hhhh8888', 'after the crash', 'failed'))
    writeFileSync(file, `${JSON.stringify(result('hhhh8888', 'before', 'passed'))}\n${whole.slice(0, 40)}\n${whole}\n`)
    let err = ''
    const out = await ledgerCli(
      ['import', file],
      textIo(
        () => {},
        (t) => (err += t),
      ),
    )
    expect(out).toBe(0)
    expect(err).toBe(`${file}:2: skipped a record cut short (its writer stopped mid-line, or is still writing)\n`)
    const ledger = openLedger(textLedger)
    expect(ledger.all("SELECT name FROM test_results WHERE name IN ('before', 'after the crash') ORDER BY id")).toEqual(
      [{ name: 'before' }, { name: 'after the crash' }],
    )
    ledger.close()
  })

  test('ungated: lists commits of the current repository whose tree no passing pre-commit checked', async () => {
    const repo = join(textDir, 'repo')
    mkdirSync(repo)
    const saved = { ...process.env }
    // Run git as if outside any hook: a GIT_DIR from a surrounding hook would point at another repo.
    for (const name of Object.keys(process.env)) if (name.startsWith('GIT_')) delete process.env[name]
    Object.assign(process.env, {
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: join(textDir, 'gitconfig'),
      GIT_AUTHOR_NAME: 'Spec Author',
      GIT_AUTHOR_EMAIL: 'author@example.test',
      GIT_COMMITTER_NAME: 'Spec Committer',
      GIT_COMMITTER_EMAIL: 'committer@example.test',
    })
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim()
    const cwd = process.cwd()
    try {
      git('init', '-q')
      writeFileSync(join(repo, 'a.txt'), 'one\n')
      git('add', 'a.txt')
      git('commit', '-q', '-m', 'gated commit')
      const gatedTree = git('rev-parse', 'HEAD^{tree}')
      writeFileSync(join(repo, 'a.txt'), 'two\n')
      git('commit', '-q', '-am', 'commit made with HUSKY=0')
      const ungatedSha = git('rev-parse', 'HEAD')
      const ledger = openLedger(textLedger)
      ledger.write([
        {
          rid: 'pre-commit-1',
          table: 'sessions',
          row: { id: 'pc1', kind: 'pre-commit', status: 'passed', started_at: iso(minute), git_tree: gatedTree },
        },
      ])
      ledger.close()
      process.chdir(repo)
      const rows = JSON.parse((await cli('ungated', '--json')).out)
      expect(rows.map((r: { sha: string; reason: string }) => [r.sha, r.reason])).toEqual([[ungatedSha, 'no-record']])
      const lines = (await cli('ungated', '--since', 'HEAD~1')).out.split('\n')
      expect(lines[0]).toMatch(/^sha\s+date\s+author\s+subject\s+why$/)
      expect(lines[2]).toMatch(
        new RegExp(
          `^${ungatedSha.slice(0, 12)}  \\S+  Spec Author <author@example.test>  commit made with HUSKY=0  no hook ran`,
        ),
      )
    } finally {
      process.chdir(cwd)
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name]
      Object.assign(process.env, saved)
    }
  })

  test('prints to stdout by default, adding the newline a message lacks', async () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
    try {
      expect(await ledgerCli(['path'])).toBe(0)
      expect(await ledgerCli(['--help'])).toBe(0)
      expect(write.mock.calls.map((c) => c[0])).toEqual([`${textLedger}\n`, expect.stringMatching(/^usage: .*\n$/s)])
    } finally {
      write.mockRestore()
    }
  })

  test('no command prints the help and exits 2; a name far from every command gets no suggestion', async () => {
    const none = await cli()
    expect(none.code).toBe(2)
    expect(none.err).toMatch(/^usage: npm run ledger -- <command>/)
    expect(none.err).toContain('CODEX_LEDGER overrides its path; `path` prints it')
    await expect(cli('frobnicate-everything')).rejects.toMatchObject({
      message: 'npm run ledger --: unknown command "frobnicate-everything"',
      hint: 'see `npm run ledger -- --help`',
    })
  })
})
