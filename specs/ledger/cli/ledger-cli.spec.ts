import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { UserError } from '../../../src/errors/user-error.ts'
import { ledgerCli } from '../../../src/ledger/cli/ledger-cli.ts'
import { openLedger } from '../../../src/ledger/open-ledger.ts'
import type { LedgerRecord } from '../../../src/ledger/records.ts'
import { childEnv, REPO_ROOT, tempDir } from '../../support/temp-dir.ts'

const dir = tempDir('ledger-cli-')
const ledgerPath = join(dir, 'ledger.db')
const previous = process.env.CODEX_LEDGER

async function cli(...argv: string[]): Promise<{ code: number; out: string }> {
  let out = ''
  const code = await ledgerCli(argv, { out: (t) => (out += t) })
  return { code, out }
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
      { project: 'unit', file: 'a.spec.ts', name: 'wobbly', git_sha: 'sha2', passed: 1, failed: 1, retried: 0 },
      { project: 'unit', file: 'a.spec.ts', name: 'retried', git_sha: 'sha3', passed: 1, failed: 0, retried: 1 },
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
      'id,session_id,project,file,name,state,duration_ms,retry_count,flaky,error,skip_reason,test_id',
    )
    expect(csv).toContain('"AssertionError: nope\n  at x"')
    await expect(cli('export', '--format', 'xml')).rejects.toThrow('--format must be ndjson or csv, got "xml"')
  })

  test('migrate, vacuum and path', async () => {
    expect((await cli('migrate')).out).toMatch(/schema version 1 \(code 1\)/)
    expect((await cli('vacuum')).code).toBe(0)
    expect((await cli('path')).out).toBe(ledgerPath)
  })

  test('bad usage names the command or flag and the nearest valid one', async () => {
    await expect(cli('sesions')).rejects.toThrow('ledger: unknown command "sesions"')
    await expect(cli('sessions', '--limt', '3')).rejects.toMatchObject({
      hint: expect.stringContaining('did you mean --limit?'),
    })
    expect((await cli('--help')).out).toMatch(/^usage: npm run ledger -- <command>/)
    expect((await cli('flaky', '--help')).out).toContain('usage: npm run ledger -- flaky [--window N] [--json]')
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
    expect(failure?.stderr).toBe('error: --limit must be a non-negative integer, got "many"\n  hint: e.g. --limit 20\n')
  })
})
