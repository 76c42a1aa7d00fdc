import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, test, vi } from 'vitest'
import { ledgerCli } from '../../src/app/ledger/ledger-command.ts'
import { reportCli } from '../../src/app/report/report-command.ts'
import { statusCli } from '../../src/app/report/status-command.ts'
import { memoryIo } from '../../src/foundation/cli/io.ts'
import { runCommand } from '../../src/foundation/cli/run-command.ts'
import { UserError } from '../../src/foundation/errors/user-error.ts'
import { openLedger } from '../../src/ledger/open-ledger.ts'
import { BREAKAGES, type Breakage, WITHOUT_ROOT_OVERRIDE } from '../support/broken-ledgers.ts'
import { childEnv, REPO_ROOT, tempDir } from '../support/temp-dir.ts'
import { textIo } from '../support/text-io.ts'

const dir = tempDir('broken-ledger-')
const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx')

/** A fallback file with one session, to import. */
function fallbackFile(name: string): string {
  const file = join(dir, `${name}.ndjson`)
  const row = { id: `imported-${name}`, kind: 'vitest', status: 'passed', started_at: 't' }
  writeFileSync(file, `${JSON.stringify({ rid: `fb-${name}`, table: 'sessions', row })}\n`)
  return file
}

/** What a command did in-process: its exit code, or the UserError it threw (anything else fails the spec). */
async function outcome(fn: () => number | Promise<number>): Promise<number | UserError> {
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
  try {
    return await fn()
  } catch (error) {
    if (error instanceof UserError) return error
    throw error
  } finally {
    stdout.mockRestore()
  }
}

/** A script run as the user would run it; `prefix` runs it without root's override of file modes. */
function script(name: string, args: string[], ledgerPath: string, prefix: string[] = []) {
  const [command, ...rest] = [...prefix, TSX, join(REPO_ROOT, 'scripts', `${name}.ts`), ...args]
  const result = spawnSync(command as string, rest, { env: childEnv(ledgerPath), encoding: 'utf8', cwd: dir })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

const EXPECTED: Record<Exclude<Breakage, 'read-only'>, { code: string; message: RegExp; hint: RegExp }> = {
  directory: {
    code: 'LEDGER_IS_DIRECTORY',
    message: /^ledger (\S+) is a directory, not a file$/,
    hint: /^point CODEX_LEDGER at a file \(e\.g\. \S+\/session_logs\.db\), or remove the directory \(rmdir \S+\)$/,
  },
  garbage: {
    code: 'LEDGER_NOT_SQLITE',
    message: /^ledger (\S+) is not a SQLite database \(file is not a database\)$/,
    hint: /^move it and its -wal\/-shm files aside \(mkdir -p \S+\/broken && mv \S+\* \S+\/broken\/\): the next run starts a fresh ledger, and `npm run ledger -- import` then brings back what runs recorded to the fallback meanwhile$/,
  },
  truncated: {
    code: 'LEDGER_CORRUPT',
    message: /^ledger (\S+) is damaged, truncated or overwritten \(database disk image is malformed\)$/,
    hint: /^move it and its -wal\/-shm files aside .*; `sqlite3 \S+\/broken\/ledger\.db \.recover` may rescue its older rows$/,
  },
}

describe.each(Object.keys(EXPECTED) as Exclude<Breakage, 'read-only'>[])('a ledger that is %s', (breakage) => {
  const path = join(dir, breakage, 'ledger.db')
  mkdirSync(dirname(path), { recursive: true })
  BREAKAGES[breakage](path)
  const expected = EXPECTED[breakage]
  const previous = process.env.CODEX_LEDGER

  function expectNamed(result: number | UserError, what: string): void {
    expect(result, what).toBeInstanceOf(UserError)
    const error = result as UserError
    expect({ code: error.code, exit: error.exitCode }, what).toEqual({ code: expected.code, exit: 2 })
    expect(error.message, what).toMatch(expected.message)
    expect(error.message.match(expected.message)?.[1], what).toBe(path)
    expect(error.hint, what).toMatch(expected.hint)
  }

  test('the ledger verbs, report and status are exit 2 naming the file and the fix, never a bug', async () => {
    process.env.CODEX_LEDGER = path
    try {
      const verbs = [['show', 'latest'], ['failures'], ['export'], ['import', fallbackFile(breakage)], ['vacuum']]
      if (breakage !== 'truncated') verbs.push(['sessions'], ['migrate']) // their pages may have survived the cut
      for (const argv of verbs)
        expectNamed(
          await outcome(() =>
            ledgerCli(
              argv,
              textIo(() => {}),
            ),
          ),
          `ledger ${argv.join(' ')}`,
        )
      // Whatever survived may be read; nothing is ever a bug.
      for (const argv of [['sessions'], ['migrate'], ['flaky'], ['questions']]) {
        const result = await outcome(() =>
          ledgerCli(
            argv,
            textIo(() => {}),
          ),
        )
        if (result !== 0) expectNamed(result, `ledger ${argv.join(' ')}`)
      }
    } finally {
      process.env.CODEX_LEDGER = previous
    }
    const out = join(dir, `${breakage}-reports`)
    const reportCommand = (argv: string[]) => runCommand(reportCli, argv, memoryIo())
    const statusCommand = (argv: string[]) => runCommand(statusCli, argv, memoryIo())
    expectNamed(await outcome(() => reportCommand(['--ledger', path, '--out', out])), 'report')
    expectNamed(await outcome(() => reportCommand(['--ledger', path, '--out', out, '--since', '7d'])), 'report --since')
    expectNamed(await outcome(() => statusCommand(['--ledger', path, '--out', join(out, 'STATUS.md')])), 'status')
  })
})

describe('through the real scripts', () => {
  test('a garbage ledger: exit 2 with the message and the fix on stderr, no BUG line, no stack', () => {
    const path = join(dir, 'script-garbage', 'ledger.db')
    mkdirSync(dirname(path))
    BREAKAGES.garbage(path)
    for (const [name, args] of [
      ['ledger', ['sessions']],
      ['report', ['--out', join(dir, 'script-reports')]],
      ['status', ['--out', join(dir, 'script-STATUS.md')]],
    ] as const) {
      const run = script(name, [...args], path)
      expect({ name, code: run.code }).toEqual({ name, code: 2 })
      expect(run.stderr).toMatch(new RegExp(`^error: ledger ${path} is not a SQLite database .*\\n  hint: move it`))
      expect(run.stderr).not.toMatch(/BUG|\n\s+at /)
    }
  }, 60_000)
})

describe.skipIf(WITHOUT_ROOT_OVERRIDE === undefined)('a read-only ledger (0444)', () => {
  const path = join(dir, 'read-only', 'ledger.db')
  const prefix = WITHOUT_ROOT_OVERRIDE ?? []

  test('reads work; writes are exit 2 with the chmod; once fixed, import works although SQLite left read-only -wal/-shm files', () => {
    mkdirSync(dirname(path))
    BREAKAGES['read-only'](path)
    const sessions = script('ledger', ['sessions', '--json'], path, prefix)
    expect(sessions.code, sessions.stderr).toBe(0)
    expect(JSON.parse(sessions.stdout).map((s: { id: string }) => s.id)).toEqual(['seed'])
    expect(script('status', ['--out', join(dir, 'ro-STATUS.md')], path, prefix).code).toBe(0)
    // Opening a 0444 WAL ledger, even to read, makes SQLite create -wal/-shm with the same 0444 mode.
    expect(existsSync(`${path}-shm`)).toBe(true)
    expect(statSync(`${path}-shm`).mode & 0o777).toBe(0o444)

    const file = fallbackFile('read-only')
    const refused = script('ledger', ['import', file], path, prefix)
    expect(refused.code).toBe(2)
    expect(refused.stderr).toBe(
      `error: ledger ${path} is read-only\n  hint: make it writable (chmod u+w ${path}); meanwhile runs record to the fallback beside it, and \`npm run ledger -- import\` brings them in\n`,
    )

    chmodSync(path, 0o644) // the user's fix; the side files stay 0444 (this import used to die with BUG:)
    const imported = script('ledger', ['import', file], path, prefix)
    expect(imported.stderr).toBe('')
    expect(imported.code).toBe(0)
    expect(imported.stdout).toBe(`imported 1 of 1 records from ${file} (0 already present)\n`)
    const ledger = openLedger(path, { readonly: true })
    expect(ledger.all('SELECT id FROM sessions ORDER BY id')).toEqual([{ id: 'imported-read-only' }, { id: 'seed' }])
    ledger.close()
  }, 60_000)
})
