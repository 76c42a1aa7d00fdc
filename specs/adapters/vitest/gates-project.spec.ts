// End to end: the real `gates` Vitest project, run as a child process against a temp git repo
// (GATES_ROOT) with a planted fake AWS key and a broken docs link, writing a temp ledger.
import { execFile } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { GATE_NAMES } from '../../../src/domain/gates/gates-config.ts'
import { PACKAGE_ROOT } from '../../../src/domain/gates/repo-files.ts'
import { allFakeSecrets, type FakeSecret } from '../../../src/domain/gates/secrets/fake-secrets.ts'
import { openLedger } from '../../../src/ledger/open-ledger.ts'
import { tempDir, tempRepo } from '../../domain/gates/_temp-repo.ts'

interface Run {
  code: number | null
  output: string
}

/** `vitest run --project gates` from this repository, the ledger and cache in `dir`. */
function runGatesProject(root: string, dir: string): Promise<Run> {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) {
    // The parent run's Vitest and session variables would confuse the child run.
    if (!/^(VITEST|TINYPOOL|CODEX_SESSION_ID$|CODEX_GATE|GATES_ROOT$|NODE_ENV$)/.test(k)) env[k] = v
  }
  Object.assign(env, {
    GATES_ROOT: root,
    CODEX_LEDGER: join(dir, 'ledger.db'),
    CODEX_GATE_CACHE: join(dir, 'gate-cache.json'),
    CODEX_GATES_REPORTS: join(dir, 'reports'),
    NO_COLOR: '1',
  })
  return new Promise((resolve) => {
    execFile(
      join(PACKAGE_ROOT, 'node_modules', '.bin', 'vitest'),
      ['run', '--project', 'gates'],
      { cwd: PACKAGE_ROOT, env, maxBuffer: 32 * 1024 * 1024, timeout: 240_000 },
      (error, stdout, stderr) =>
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : null) : 0,
          output: `${stdout}${stderr}`,
        }),
    )
  })
}

describe('the gates project against another repository', () => {
  test('fails on a planted AWS key and a broken link, with findings, ledger rows and error-capture blocks', async () => {
    const aws = allFakeSecrets(99).find((f) => f.rule === 'aws-access-key-id') as FakeSecret
    const root = tempRepo(
      {
        'README.md': '# Demo\n\nRead the [setup guide](docs/setup.md) first.\n',
        'config/app.ini': `[aws]\nregion = eu-west-1\n${aws.text}`,
        'src/main.py': 'print("hello")\n',
      },
      { git: true },
    )
    const dir = tempDir('gates-project-')
    const run = await runGatesProject(root, dir)

    expect(run.code, run.output).toBe(1)
    expect(run.output).toContain(
      'secrets config/app.ini:3 aws-access-key-id: AWS access key id: AKIA…[redacted 20 chars]',
    )
    expect(run.output).toContain(
      'docs-links README.md:3 broken-link: link to docs/setup.md: docs/setup.md does not exist',
    )
    expect(run.output).not.toContain(aws.secret)

    const ledger = openLedger(join(dir, 'ledger.db'), { readonly: true })
    try {
      const sessions = ledger.all<{ id: string; status: string }>('SELECT id, status FROM sessions')
      expect(sessions).toEqual([{ id: expect.any(String), status: 'failed' }])
      const runs = ledger.all<{ gate: string; status: string }>('SELECT gate, status FROM gate_runs ORDER BY gate')
      expect(runs.map((r) => r.gate)).toEqual([...GATE_NAMES].sort())
      const status = Object.fromEntries(runs.map((r) => [r.gate, r.status]))
      expect(status).toMatchObject({
        secrets: 'failed',
        'docs-links': 'failed',
        typecheck: 'skipped',
        lint: 'skipped',
        integrity: 'skipped',
        deps: 'skipped',
        licenses: 'skipped',
        toolchain: 'passed',
        'env-files': 'passed',
      })
      const errors = ledger.all<{ gate: string; rule: string; file: string; line: number }>(
        "SELECT gate, rule, file, line FROM findings WHERE severity = 'error' ORDER BY gate",
      )
      expect(errors).toEqual([
        { gate: 'docs-links', rule: 'broken-link', file: 'README.md', line: 3 },
        { gate: 'secrets', rule: 'aws-access-key-id', file: 'config/app.ini', line: 3 },
      ])
      const tools = ledger.all<{ message: string }>("SELECT message FROM events WHERE role = 'tool'")
      expect(tools.map((t) => t.message.split(' ')[0]).sort()).toEqual(['git', 'node', 'npm'])
    } finally {
      ledger.close()
    }

    const blocks = readFileSync(join(dir, 'errors.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { step: string; error: string; context: string })
    expect(blocks.map((b) => b.step).sort()).toEqual(['gate docs-links', 'gate secrets'])
    expect(blocks.find((b) => b.step === 'gate secrets')?.error).toContain('config/app.ini:3 aws-access-key-id')
    expect(blocks.find((b) => b.step === 'gate docs-links')?.error).toContain('README.md:3 broken-link')
    expect(blocks.every((b) => b.context.includes(`GATES_ROOT=${root}`))).toBe(true)
    for (const file of ['errors.ndjson', 'ledger.db', 'gate-cache.json']) {
      if (existsSync(join(dir, file))) expect(readFileSync(join(dir, file)).includes(aws.secret)).toBe(false)
    }

    // Second run: unchanged inputs that passed are reused from the first session.
    const again = await runGatesProject(root, dir)
    expect(again.code).toBe(1)
    const second = openLedger(join(dir, 'ledger.db'), { readonly: true })
    try {
      const [first, latest] = second.all<{ id: string }>('SELECT id FROM sessions ORDER BY started_at')
      const cached = second.all<{ gate: string; cached_from: string }>(
        "SELECT gate, cached_from FROM gate_runs WHERE session_id = ? AND status = 'cached' ORDER BY gate",
        latest?.id,
      )
      expect(cached.map((c) => c.gate)).toEqual([
        'duplicates',
        'env-files',
        'large-files',
        'placeholders',
        'python-lint',
        'python-types',
        'toolchain',
      ])
      expect(cached.every((c) => c.cached_from === first?.id)).toBe(true)
      // A cached toolchain run still logs tool presence: the probes' events come from the cache.
      const tools = second.all("SELECT message FROM events WHERE role = 'tool' AND session_id = ?", latest?.id)
      expect(tools).toHaveLength(3)
    } finally {
      second.close()
    }
  }, 300_000)
})

describe('the gates project with an invalid gates config', () => {
  test('exits 2 with one message naming the file, field and fix: no stack, not once per gate file', async () => {
    const root = tempRepo({ 'configs/gates.json': { gates: { secrets: { min_length: 'long' } } } }, { git: true })
    const dir = tempDir('gates-project-bad-')
    const run = await runGatesProject(root, dir)
    const message = `error: ${join(root, 'configs', 'gates.json')}: /gates/secrets/min_length must be integer`
    expect(run.code, run.output).toBe(2)
    expect(run.output.split(message)).toHaveLength(2) // exactly once
    expect(run.output).toContain(
      `${message}\n  hint: fix the value at /gates/secrets/min_length (schema: configs/schemas/codex-gates.schema.json)\n`,
    )
    expect(run.output).not.toMatch(/^\s+(at |❯ )/m)
    expect(run.output).not.toContain('Failed Suites')
    const ledger = openLedger(join(dir, 'ledger.db'), { readonly: true })
    try {
      expect(ledger.all('SELECT status, tests_total FROM sessions')).toEqual([{ status: 'failed', tests_total: 0 }])
    } finally {
      ledger.close()
    }
  }, 120_000)
})
