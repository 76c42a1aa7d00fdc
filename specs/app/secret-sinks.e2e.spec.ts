// Issue 14 §1, end to end: one secret of each kind planted through a real Vitest run with the
// ledger reporter (and once more with the ledger unusable, so the NDJSON fallback is written), a
// real `train` run with `--set out_dir=…/tok-ghp_…`, and a CLI that crashes with a secret in its
// argv. Then every sink is scanned byte for byte for every 12-character piece of every secret.
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { ledgerCli } from '../../src/app/ledger/ledger-command.ts'
import { SECRET_PATTERNS } from '../../src/foundation/redact/secret-patterns.ts'
import { openLedger } from '../../src/ledger/open-ledger.ts'
import { LEDGER_TABLES } from '../../src/ledger/records.ts'
import { runTrainCli } from '../domain/train/support/run-cli.ts'
import { findLeaks } from '../support/find-leaks.ts'
import { fakeSecret, KINDS, windows12 } from '../support/planted-secrets.ts'
import { runFixture } from '../support/run-fixture.ts'
import { childEnv, REPO_ROOT, tempDir } from '../support/temp-dir.ts'
import { textIo } from '../support/text-io.ts'

const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx')
const SUITE = join(REPO_ROOT, 'specs', 'fixtures', 'reporter', 'secrets')

/**
 * One secret of each kind, from fixed seeds: `text` plants it in its context, `alone` is the
 * secret by itself where its shape names it (a prefixed token, a PEM key) and in its context
 * otherwise (a bare password is just a word), and `material` is what of it must not leak.
 */
function secretsOfEachKind(): { kind: string; text: string; alone: string; material: string }[] {
  return KINDS.filter((k) => k !== 'env-secret').map((kind, i) => {
    const fake = fakeSecret(kind, 1400 + i)
    const text = fake.text.trimEnd()
    const shaped = SECRET_PATTERNS.find((p) => p.id === kind)?.prefix !== undefined || kind === 'private-key'
    return { kind, text, alone: shaped ? fake.secret : text, material: materialOf(kind, fake.secret) }
  })
}

/**
 * The part of a secret that is secret: all of it but a public prefix (`ghp_`, the Slack webhook
 * host) and a PEM key's BEGIN and END lines. A cut that shows only those shows nothing secret.
 */
function materialOf(kind: string, secret: string): string {
  if (kind === 'private-key') return secret.split('\n').slice(1, -1).join('\n')
  const prefix = SECRET_PATTERNS.find((p) => p.id === kind)?.prefix
  const shown = prefix ? new RegExp(`^${prefix}`).exec(secret)?.[0] : undefined
  return shown ? secret.slice(shown.length) : secret
}

interface Run {
  code: number
  stdout: string
  stderr: string
}

function runScript(script: string, args: string[], env: NodeJS.ProcessEnv, cwd = REPO_ROOT): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      [join(REPO_ROOT, 'scripts', script), ...args],
      { cwd, env, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? ((error as { code?: number }).code ?? 1) : 0
        resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr })
      },
    )
  })
}

describe('no secret reaches a sink (end to end)', () => {
  const dir = tempDir('secret-sinks-e2e-')
  const ledgerPath = join(dir, 'ledger.db')
  const broken = join(dir, 'broken')
  const corrupt = join(broken, 'corrupt.db')
  const planted = secretsOfEachKind()
  const ghp = fakeSecret('github-token', 7).secret
  const password = fakeSecret('url-credentials', 8).secret
  // An env secret with a quote and a backslash: escaped in JSON, it must still be found.
  const deployToken = ['Zk9"dep', 'loy\\tok', 'en42Qx'].join('')
  const fixtureEnv = {
    // CODEX_* variables are recorded in sessions.env_json: one more sink for these texts.
    CODEX_LEAK_FIXTURE: JSON.stringify(
      Object.fromEntries(planted.map((p) => [p.kind, { text: p.text, alone: p.alone }])),
    ),
    DEPLOY_TOKEN: deployToken,
  }
  const sinks: Record<string, string> = {}
  const runs: Record<string, Run | { code: number; output: string }> = {}

  beforeAll(async () => {
    mkdirSync(broken)
    writeFileSync(corrupt, 'this is not a SQLite database, it only looks like one to the reporter\n'.repeat(64))
    // 1. A real Vitest run with the ledger reporter, then the same run with the ledger unusable.
    runs.vitest = runFixture(ledgerPath, SUITE, fixtureEnv)
    runs.fallback = runFixture(corrupt, SUITE, fixtureEnv)
    // 2. A real training run whose run folder carries a token.
    runs.train = await runTrainCli(
      [
        '--config',
        'configs/train/gpt-tiny.json',
        ...['max_iters=2', 'eval_interval=2', 'eval_iters=1', 'checkpoint_every=2'].flatMap((s) => ['--set', s]),
        '--set',
        `out_dir=${join(dir, 'runs', `tok-${ghp}`)}`,
      ],
      ledgerPath,
    )
    // 3. A command that crashes (a bug, not a user mistake: a broken ledger is exit 2 now) with a
    // password in its argv.
    runs.crash = await runScript(
      '../specs/fixtures/cli/crashing-command.ts',
      ['failures', '--since', `postgres://admin:${password}@db/x`],
      childEnv(corrupt),
      broken,
    )
    // The reports, STATUS.md and the ledger CLI's output, from the ledger those runs wrote.
    const env = childEnv(ledgerPath)
    runs.report = await runScript('report.ts', ['--ledger', ledgerPath, '--out', join(dir, 'reports')], env)
    runs.status = await runScript('status.ts', ['--ledger', ledgerPath, '--out', join(dir, 'STATUS.md')], env)
    for (const args of [
      ['show', 'latest'],
      ['questions', '--limit', '10000'],
      ['export'],
      ['export', '--format', 'csv'],
    ]) {
      const run = await runScript('ledger.ts', args, env)
      runs[`ledger ${args.join(' ')}`] = run
      sinks[`stdout of ledger ${args.join(' ')}`] = run.stdout
    }
    await inProcessCli(ledgerPath, sinks)
    for (const [name, path] of [
      ['ledger file', ledgerPath],
      ['ledger WAL', `${ledgerPath}-wal`],
      ['errors.ndjson', join(dir, 'errors.ndjson')],
      ['fallback errors.ndjson', join(broken, 'errors.ndjson')],
      ['ledger-fallback.ndjson', join(broken, 'ledger-fallback.ndjson')],
      ['bugs.log', join(broken, '.codex', 'bugs.log')],
      ['STATUS.md', join(dir, 'STATUS.md')],
    ] as const) {
      if (existsSync(path)) sinks[name] = readFileSync(path, 'utf8')
    }
    for (const f of readdirSync(join(dir, 'reports', 'latest'))) {
      sinks[`reports/latest/${f}`] = readFileSync(join(dir, 'reports', 'latest', f), 'utf8')
    }
  }, 600_000)

  test('each run did what it was asked: failed tests, a degraded run, a finished training run, a bug', () => {
    expect(runs.vitest?.code).toBe(1)
    expect(runs.fallback?.code).toBe(1)
    expect((runs.fallback as { output: string }).output).toContain('codex-gates: ledger unavailable')
    expect(runs.train?.code).toBe(0)
    expect(runs.crash?.code).toBe(3)
    expect((runs.crash as Run).stderr).toContain('the stack was written to .codex/bugs.log')
    expect(runs.report?.code).toBe(0)
    expect(runs.status?.code).toBe(0)
    for (const sink of [
      'ledger file',
      'errors.ndjson',
      'fallback errors.ndjson',
      'ledger-fallback.ndjson',
      'bugs.log',
      'STATUS.md',
      'reports/latest/index.html',
      'reports/latest/summary.md',
      'reports/latest/summary.json',
    ]) {
      expect(sinks[sink], sink).toBeTruthy()
    }
  })

  test('every planting site reached the ledger: tests, questions, findings, the unhandled error, the run', () => {
    const ledger = openLedger(ledgerPath, { readonly: true })
    try {
      const count = (sql: string) => (ledger.get<{ n: number }>(sql) as { n: number }).n
      expect(count('SELECT COUNT(*) AS n FROM test_results')).toBe(6 * planted.length + 2)
      expect(
        count("SELECT COUNT(*) AS n FROM test_results WHERE state = 'skipped' AND skip_reason LIKE 'no access: %'"),
      ).toBe(planted.length)
      expect(count("SELECT COUNT(*) AS n FROM events WHERE role = 'assistant'")).toBe(4 * planted.length + 1)
      expect(count('SELECT COUNT(*) AS n FROM findings')).toBe(planted.length)
      expect(count("SELECT COUNT(*) AS n FROM events WHERE message LIKE 'unhandled error: %'")).toBeGreaterThan(0)
      expect(ledger.all('SELECT id, status FROM training_runs')).toEqual([
        { id: 'tok-ghp_…[redacted 40 chars]', status: 'completed' },
      ])
      expect(
        count(
          "SELECT COUNT(*) AS n FROM checkpoints WHERE status = 'committed' AND path LIKE '%tok-ghp_…[redacted 40 chars]%'",
        ),
      ).toBe(1)
    } finally {
      ledger.close()
    }
  })

  test('the secrets reached every sink masked: masks are there, in the ledger and the reports', () => {
    expect(sinks['ledger file']).toContain('ghp_…[redacted')
    expect(sinks['ledger file']).toContain('tok-ghp_…[redacted 40 chars]')
    expect(sinks['bugs.log']).toContain('postgres://admin:')
    expect(sinks['ledger-fallback.ndjson']).toContain('…[redacted')
    expect(sinks['reports/latest/summary.json']).toContain('…[redacted')
  })

  test('no sink holds any 12-character piece of any secret, byte for byte', () => {
    const needles = new Map<string, string>()
    const add = (what: string, material: string) => {
      for (const w of windows12(material)) {
        needles.set(w, what)
        needles.set(JSON.stringify(w).slice(1, -1), what)
      }
    }
    for (const p of planted) add(p.kind, p.material)
    add('the token in out_dir', materialOf('github-token', ghp))
    add('the password in the crashing argv', password)
    add('the DEPLOY_TOKEN env value', deployToken)
    const leaks = findLeaks(needles, sinks)
    expect(leaks.slice(0, 5)).toEqual([])
  })
})

/** `show` of every session, `questions --json`, and each table as CSV, in-process (same code, no spawn). */
async function inProcessCli(ledgerPath: string, sinks: Record<string, string>): Promise<void> {
  const previous = process.env.CODEX_LEDGER
  process.env.CODEX_LEDGER = ledgerPath
  let out = ''
  const io = textIo((t) => {
    out += t
  })
  try {
    await ledgerCli(['sessions', '--json', '--limit', '1000'], io)
    const ids = (JSON.parse(out) as { id: string }[]).map((s) => s.id)
    for (const id of ids) {
      await ledgerCli(['show', id], io)
      await ledgerCli(['show', id, '--json'], io)
    }
    await ledgerCli(['questions', '--json', '--limit', '10000'], io)
    await ledgerCli(['failures', '--since', '1d'], io)
    for (const table of LEDGER_TABLES) await ledgerCli(['export', '--format', 'csv', '--table', table], io)
  } finally {
    if (previous === undefined) delete process.env.CODEX_LEDGER
    else process.env.CODEX_LEDGER = previous
  }
  sinks['stdout of ledger show/questions/export (every session, every table)'] = out
}
