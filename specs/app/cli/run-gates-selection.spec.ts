// `codex-gates run` from the source bin, as a child process: --gate picks command gates and
// built-in gates by name, --stage picks which command gates apply, a bad stage is exit 2.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { PACKAGE_ROOT } from '../../../src/domain/gates/repo-files.ts'
import { openLedger } from '../../../src/ledger/open-ledger.ts'
import { tempDir, tempRepo } from '../../domain/gates/_temp-repo.ts'

function codexGates(args: string[], root: string, dir: string) {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env))
    if (!/^(VITEST|TINYPOOL|CODEX_|GATES_ROOT$|NODE_ENV$)/.test(k)) env[k] = v
  Object.assign(env, {
    CODEX_LEDGER: join(dir, 'ledger.db'),
    CODEX_GATE_CACHE: join(dir, 'gate-cache.json'),
    CODEX_GATES_REPORTS: join(dir, 'reports'),
    CODEX_REPORTS: '0',
    NO_COLOR: '1',
  })
  const r = spawnSync(
    join(PACKAGE_ROOT, 'node_modules', '.bin', 'tsx'),
    [join(PACKAGE_ROOT, 'src/app/cli/main.ts'), ...args],
    {
      cwd: root,
      env,
      encoding: 'utf8',
      timeout: 240_000,
    },
  )
  return { code: r.status, output: `${r.stdout}${r.stderr}` }
}

describe('codex-gates run', () => {
  test('--gate runs the named command gate and built-in gate only; --stage manual runs a manual-only gate', () => {
    const root = tempRepo(
      {
        'a.txt': 'hello\n',
        'codex-gates.json': {
          gates: {
            echo: { run: ['sh', '-c', 'echo hi'] },
            other: { run: ['sh', '-c', 'exit 1'] },
            release: { run: ['true'], stages: ['manual'] },
          },
        },
      },
      { git: true },
    )
    const dir = tempDir('run-gates-')
    const run = codexGates(['run', '--root', root, '--gate', 'echo', '--gate', 'env-files'], root, dir)
    expect(run.code, run.output).toBe(0)
    const manual = codexGates(['run', '--root', root, '--gate', 'release', '--stage', 'manual'], root, dir)
    expect(manual.code, manual.output).toBe(0)
    const ledger = openLedger(join(dir, 'ledger.db'), { readonly: true })
    try {
      const rows = ledger.all<{ gate: string; status: string }>('SELECT gate, status FROM gate_runs ORDER BY rowid')
      expect(rows).toEqual([
        expect.objectContaining({ gate: expect.stringMatching(/^(echo|env-files)$/), status: 'passed' }),
        expect.objectContaining({ gate: expect.stringMatching(/^(echo|env-files)$/), status: 'passed' }),
        { gate: 'release', status: 'passed' },
      ])
    } finally {
      ledger.close()
    }
  }, 300_000)

  test('--stage with no such stage is exit 2 naming the flag', () => {
    const root = tempRepo({ 'a.txt': 'x\n' }, { git: true })
    const run = codexGates(['run', '--root', root, '--stage', 'nightly'], root, tempDir('run-gates-bad-'))
    expect(run.code).toBe(2)
    expect(run.output).toContain(
      'error: codex-gates run: --stage must be one of commit, push, ci, manual; got "nightly"',
    )
    expect(run.output).toContain('hint: e.g. --stage commit')
  })
})
