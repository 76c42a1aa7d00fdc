import { execFile } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, describe, expect, test } from 'vitest'
import { reportCli, reportCommandAt } from '../../../src/app/report/report-command.ts'
import { memoryIo } from '../../../src/foundation/cli/io.ts'
import { renderHelp } from '../../../src/foundation/cli/render-help.ts'
import { runCommand } from '../../../src/foundation/cli/run-command.ts'
import { UserError } from '../../../src/foundation/errors/user-error.ts'
import { type Fixture, fixtureLedger, seedManySessions, sid } from '../../domain/report/fixture-ledgers.ts'

let fixture: Fixture
afterEach(() => fixture?.cleanup())

/** Runs the command in-process, capturing stdout. */
async function run(argv: string[], now?: number): Promise<{ code: number; out: string }> {
  const io = memoryIo()
  const command = now === undefined ? reportCli : reportCommandAt(() => now)
  const code = await runCommand(command, argv, io)
  return { code, out: io.out }
}

async function userError(fn: () => unknown): Promise<{ code: string; message: string; hint: string | undefined }> {
  try {
    await fn()
  } catch (error) {
    if (error instanceof UserError) return { code: error.code, message: error.message, hint: error.hint }
    throw error
  }
  throw new Error('expected a UserError')
}

describe('npm run report (reportCli)', () => {
  test('renders the latest session, then one picked by id, rotating and pruning history', async () => {
    fixture = fixtureLedger()
    seedManySessions(fixture.ledger, 4)
    const base = ['--ledger', fixture.ledgerPath, '--out', fixture.reportsDir]
    expect(await run(base)).toEqual({
      code: 0,
      out: `rendered session s04 (vitest, failed, 5 passed, 1 failed) into ${join(fixture.reportsDir, 'latest')}/ (index.html, summary.md, summary.json)\n`,
    })
    const second = await run([...base, '--session', 's02', '--keep', '1'])
    expect(second.out).toContain(`previous render moved to ${join(fixture.reportsDir, 'history', sid(4))}/`)
    await run([...base, '--session', 's01', '--keep', '1'])
    // History keeps the newest sessions by start time: s04 outranks s02.
    expect(readdirSync(join(fixture.reportsDir, 'history'))).toEqual([sid(4)])
    const summary = JSON.parse(readFileSync(join(fixture.reportsDir, 'latest', 'summary.json'), 'utf8'))
    expect(summary.session.id).toBe(sid(1))
  })

  test('--since writes and prints the periodic summary', async () => {
    fixture = fixtureLedger()
    seedManySessions(fixture.ledger)
    const { code, out } = await run(
      ['--ledger', fixture.ledgerPath, '--out', fixture.reportsDir, '--since', '7d'],
      Date.parse('2025-03-13T01:00:00Z'),
    )
    expect(code).toBe(0)
    expect(out.startsWith('# codex-gates summary: last 7d\n')).toBe(true)
    const md = join(fixture.reportsDir, 'periodic', 'since-7d.md')
    expect(readFileSync(md, 'utf8')).toBe(out.slice(0, out.indexOf('\nwrote ')))
    expect(JSON.parse(readFileSync(join(fixture.reportsDir, 'periodic', 'since-7d.json'), 'utf8')).sessions.total).toBe(
      7,
    )
  })

  test('bad usage is a user error naming the flag and the fix', async () => {
    fixture = fixtureLedger()
    seedManySessions(fixture.ledger, 2)
    const base = ['--ledger', fixture.ledgerPath, '--out', fixture.reportsDir]
    expect(await userError(() => run([...base, '--sesion', 's01']))).toMatchObject({
      code: 'BAD_FLAG',
      hint: 'did you mean --session? see `npm run report -- --help`',
    })
    expect(await userError(() => run([...base, '--since', 'a week']))).toMatchObject({
      message: '--since must look like 7d, 12h or 30m, got "a week"',
    })
    expect(await userError(() => run([...base, '--since', '7d', '--session', 's01']))).toMatchObject({
      message: 'npm run report: --since and --session cannot be combined',
    })
    expect(await userError(() => run([...base, '--session', 's0']))).toMatchObject({ code: 'AMBIGUOUS_SESSION' })
    expect(await userError(() => run([...base, '--session', 'nope']))).toMatchObject({ code: 'NO_SESSION' })
    expect(await userError(() => run([...base, '--keep=-2']))).toMatchObject({
      message: 'npm run report --: --keep must be a whole number ≥ 0, got "-2"',
    })
    expect(await userError(() => run(['--ledger', join(fixture.dir, 'none.db')]))).toMatchObject({
      code: 'NO_LEDGER',
      hint: 'run `npm test` or `npm run gates` first (or point CODEX_LEDGER at a ledger file)',
    })
    expect(existsSync(join(fixture.dir, 'none.db'))).toBe(false)
  })

  test('--help prints the usage', async () => {
    expect(await run(['--help'])).toEqual({ code: 0, out: renderHelp(reportCli) })
  })
})

describe('scripts/report.ts and scripts/status.ts', () => {
  const exec = promisify(execFile)
  const root = process.env.CODEX_REAL_ROOT ?? process.cwd()
  const tsx = (script: string, args: string[], env: NodeJS.ProcessEnv) =>
    exec(process.execPath, ['--import', 'tsx', join(root, 'scripts', script), ...args], {
      cwd: root,
      env: { ...process.env, ...env },
    })

  test('run end to end against CODEX_LEDGER; usage errors exit 2 without a stack', { timeout: 60_000 }, async () => {
    fixture = fixtureLedger()
    seedManySessions(fixture.ledger, 3)
    const env = { CODEX_LEDGER: fixture.ledgerPath }
    const report = await tsx('report.ts', ['--out', fixture.reportsDir], env)
    expect(report.stdout).toContain('rendered session s03')
    expect(existsSync(join(fixture.reportsDir, 'latest', 'index.html'))).toBe(true)
    const status = await tsx('status.ts', ['--out', join(fixture.reportsDir, 'status', 'STATUS.md')], env)
    expect(status.stdout).toBe(`wrote ${join(fixture.reportsDir, 'status', 'STATUS.md')}\n`)
    const bad = await tsx('status.ts', ['--roots', '.'], env).catch((e: { code: number; stderr: string }) => e)
    expect(bad).toMatchObject({ code: 2 })
    expect((bad as { stderr: string }).stderr).toBe(
      'error: npm run status --: unknown option --roots\n  hint: did you mean --root? see `npm run status -- --help`\n',
    )
  })
})
