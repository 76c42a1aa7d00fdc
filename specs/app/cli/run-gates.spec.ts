// `codex-gates run`'s warm path: when every gate is skipped or cached, the run is recorded from
// the cache without starting Vitest — and must record what a real run records.
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { GATE_NAMES } from '../../../src/domain/gates/gates-config.ts'
import { openLedger } from '../../../src/ledger/open-ledger.ts'
import { tempRepo } from '../../domain/gates/_temp-repo.ts'
import { childEnv, REPO_ROOT, tempDir } from '../../support/temp-dir.ts'

const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx')
const MAIN = join(REPO_ROOT, 'src', 'app', 'cli', 'main.ts')
// The marker words in pieces, so the placeholders gate does not count this file.
const todo = ['TO', 'DO'].join('')
const fixme = ['FIX', 'ME'].join('')

function run(
  root: string,
  dir: string,
  args: string[] = [],
  env: Record<string, string> = {},
): { code: number | null; output: string } {
  const result = spawnSync(TSX, [MAIN, 'run', '--root', root, ...args], {
    env: childEnv(join(dir, 'ledger.db'), { CODEX_GATE_CACHE: join(dir, 'cache.json'), CI: '1', ...env }),
    encoding: 'utf8',
    timeout: 240_000,
  })
  return { code: result.status, output: `${result.stdout}${result.stderr}` }
}

interface Rows {
  results: string[]
  gates: string[]
  findings: string[]
}

/** The latest session's rows, without ids and durations; cached runs read as passed. */
function latestRows(dir: string): Rows & { statuses: Record<string, string>; session: Record<string, unknown> } {
  const ledger = openLedger(join(dir, 'ledger.db'), { readonly: true })
  try {
    const id = ledger.get<{ id: string }>('SELECT id FROM sessions ORDER BY started_at DESC, rowid DESC LIMIT 1')?.id
    const results = ledger
      .all<{
        project: string
        file: string
        name: string
        state: string
        skip_reason: string | null
        error: string | null
      }>(
        'SELECT project, file, name, state, skip_reason, error FROM test_results WHERE session_id = ? ORDER BY name',
        id,
      )
      // The error's first line: Vitest adds stack frames of the spec file below it.
      .map((r) => `${r.project} ${r.file} ${r.name} ${r.state} ${r.skip_reason ?? ''} ${r.error?.split('\n')[0] ?? ''}`)
    const gateRows = ledger.all<{ gate: string; status: string; findings_count: number; reason: string | null }>(
      'SELECT gate, status, findings_count, reason FROM gate_runs WHERE session_id = ? ORDER BY gate',
      id,
    )
    const findings = ledger
      .all<{ gate: string; rule: string; file: string; line: number; severity: string; message: string }>(
        'SELECT gate, rule, file, line, severity, message FROM findings WHERE session_id = ? ORDER BY gate, file, line, rule',
        id,
      )
      .map((f) => `${f.gate} ${f.rule} ${f.file}:${f.line} ${f.severity} ${f.message}`)
    const session = ledger.get<Record<string, unknown>>(
      'SELECT status, tests_total, tests_passed, tests_failed, tests_skipped FROM sessions WHERE id = ?',
      id,
    )
    const statuses = Object.fromEntries(gateRows.map((g) => [g.gate, g.status]))
    const gates = gateRows.map(
      (g) =>
        `${g.gate} ${g.status === 'cached' ? 'passed' : g.status} ${g.findings_count} ${g.status === 'skipped' ? g.reason : ''}`,
    )
    return { results, gates, findings, statuses, session: session ?? {} }
  } finally {
    ledger.close()
  }
}

describe('codex-gates run', () => {
  test('a warm run records, without Vitest, the rows a real run records; a changed file, config or tool version runs that gate for real', () => {
    const dir = tempDir('run-gates-')
    // A stand-in compiler inside an npm package folder: the cache key reads its package.json version.
    const fakeTsc = join(dir, 'fake-typescript', 'bin', 'tsc')
    mkdirSync(dirname(fakeTsc), { recursive: true })
    writeFileSync(fakeTsc, '#!/bin/sh\nexit 0\n')
    chmodSync(fakeTsc, 0o755)
    const tsc = (version: string) =>
      writeFileSync(join(dir, 'fake-typescript', 'package.json'), JSON.stringify({ name: 'typescript', version }))
    tsc('5.0.0')
    const root = tempRepo(
      {
        'README.md': '# Demo\n\nSee [the guide](docs/guide.md).\n',
        'docs/guide.md': '# Guide\n\nRun the gates before you push.\n',
        'tsconfig.json': '{}\n',
        // Vitest keeps a results cache under node_modules/ of its root: ignored, as in any JS repository.
        '.gitignore': 'node_modules/\n',
        'codex-gates.json': { gates: { typecheck: { compiler: fakeTsc } } },
      },
      { git: true },
    )

    const real = run(root, dir)
    expect(real.code, real.output).toBe(0)
    expect(real.output).toContain('Test Files')
    const first = latestRows(dir)

    const warm = run(root, dir)
    expect(warm.code, warm.output).toBe(0)
    expect(warm.output).not.toContain('Test Files') // Vitest never started
    expect(warm.output).toContain('every input unchanged, nothing to scan')
    const second = latestRows(dir)
    expect(second.results).toEqual(first.results)
    expect(second.gates).toEqual(first.gates)
    expect(second.findings).toEqual(first.findings)
    expect(Object.values(second.statuses).every((s) => s === 'cached' || s === 'skipped')).toBe(true)

    // A file changes: docs-links and the other content gates run; the rest stay reused.
    writeFileSync(join(root, 'README.md'), '# Demo\n\nSee [the guide](docs/guide.md) now.\n')
    execFileSync('git', ['add', '-A'], { cwd: root })
    const edited = run(root, dir)
    expect(edited.code, edited.output).toBe(0)
    expect(edited.output).toContain('Test Files')
    expect(latestRows(dir).statuses['docs-links']).toBe('passed')
    expect(latestRows(dir).statuses.typecheck).toBe('cached')

    // The config changes for one gate: that gate runs.
    writeFileSync(
      join(root, 'codex-gates.json'),
      JSON.stringify({ gates: { typecheck: { compiler: fakeTsc }, secrets: { min_length: 16 } } }),
    )
    execFileSync('git', ['add', '-A'], { cwd: root })
    expect(run(root, dir).code).toBe(0)
    const afterConfig = latestRows(dir).statuses
    expect(afterConfig.secrets).toBe('passed')
    expect(afterConfig.toolchain).toBe('cached') // its inputs are tool versions, not files

    // The tool's version changes: the gate runs.
    tsc('5.0.1')
    expect(run(root, dir).code).toBe(0)
    expect(latestRows(dir).statuses.typecheck).toBe('passed')
    expect(latestRows(dir).statuses['docs-links']).toBe('cached')

    // An edit git's index has not seen (not added): its stat data no longer matches, so the
    // file is hashed, not taken from the index, and the gate runs.
    writeFileSync(join(root, 'README.md'), '# Demo\n\nSee [the guide](docs/guide.md) today.\n')
    const unstaged = run(root, dir)
    expect(unstaged.code, unstaged.output).toBe(0)
    expect(unstaged.output).toContain('Test Files')
    expect(latestRows(dir).statuses['docs-links']).toBe('passed')
    expect(latestRows(dir).statuses.typecheck).toBe('cached')
  }, 600_000)
})

describe('codex-gates run (declared gates)', () => {
  test('without Vitest, declared gates run in-process and record the rows a Vitest run records; a changed input file, config or tool version runs the gate for real', () => {
    const dir = tempDir('run-declared-')
    // A command-gate tool outside the repository: its cache key holds its `--version`.
    const bin = join(dir, 'bin')
    mkdirSync(bin)
    const tool = (version: string) => {
      writeFileSync(
        join(bin, 'fake-check'),
        `#!/bin/sh\nif [ "$1" = --version ]; then echo "fake-check ${version}"; fi\nexit 0\n`,
      )
      chmodSync(join(bin, 'fake-check'), 0o755)
    }
    tool('1.0.0')
    const env = { PATH: `${bin}:${process.env.PATH ?? ''}`, CODEX_GATES_REPORTS: join(dir, 'reports') }
    // Every built-in gate off but toolchain, whose first scan (or --no-cache) makes the run start Vitest.
    const off = Object.fromEntries(GATE_NAMES.filter((g) => g !== 'toolchain').map((g) => [g, { enabled: false }]))
    const gatesConfig = (args: string[]) => ({
      gates: { ...off, greet: { run: ['fake-check', ...args], files: ['\\.txt$'], pass_filenames: true } },
    })
    // fail_fast: the hooks run in order, and one after a failure is skipped saying so.
    const preCommit = [
      'fail_fast: true',
      'repos:',
      '  - repo: https://github.com/example/made-up-hooks',
      '    rev: v1.0.0',
      '    hooks:',
      '      - id: made-up-check',
      '  - repo: local',
      '    hooks:',
      '      - id: no-todo',
      `        name: no ${todo}`,
      `        entry: '${todo}'`,
      '        language: pygrep',
      '        types: [python]',
      '      - id: no-fixme',
      `        name: no ${fixme}`,
      `        entry: '${fixme}'`,
      '        language: pygrep',
      '',
    ].join('\n')
    const root = tempRepo(
      {
        'notes/a.txt': 'alpha\n',
        'src/todo.py': `x = 1  # ${todo} remove\n`,
        '.pre-commit-config.yaml': preCommit,
        '.gitignore': 'node_modules/\n',
        'codex-gates.json': gatesConfig([]),
      },
      { git: true },
    )
    const add = () => execFileSync('git', ['add', '-A'], { cwd: root })
    const blocking = `pre-commit:no-todo src/todo.py:1 no-todo: src/todo.py:1:x = 1  # ${todo} remove`

    const real = run(root, dir, [], env)
    expect(real.code, real.output).toBe(1) // the pygrep hook fails
    expect(real.output).toContain('Test Files')
    const first = latestRows(dir)
    expect(first.statuses).toMatchObject({
      greet: 'passed',
      'pre-commit:no-todo': 'failed',
      'pre-commit:made-up-check': 'skipped',
      'pre-commit:no-fixme': 'skipped',
    })

    const warm = run(root, dir, [], env)
    expect(warm.code, warm.output).toBe(1)
    expect(warm.output).not.toContain('Test Files') // Vitest never started
    expect(warm.output).toContain(blocking)
    const second = latestRows(dir)
    expect(second.results).toEqual(first.results)
    expect(second.gates).toEqual(first.gates)
    expect(second.findings).toEqual(first.findings)
    expect(second.session).toEqual(first.session)
    expect(second.session).toMatchObject({ status: 'failed', tests_failed: 1 })
    expect(second.statuses).toMatchObject({ greet: 'cached', toolchain: 'cached' })
    expect(second.gates).toContain(
      'pre-commit:made-up-check skipped 0 hook made-up-check (repo https://github.com/example/made-up-hooks) needs made-up-check: install it, or map it in codex-gates.json',
    )
    expect(second.gates).toContain('pre-commit:no-fixme skipped 0 fail_fast: pre-commit:no-todo failed first')

    const inProcess = (why: string) => {
      const r = run(root, dir, [], env)
      expect(r.code, r.output).toBe(1)
      expect(r.output, why).not.toContain('Test Files')
      return latestRows(dir).statuses
    }
    // An input file changes: the gate runs for real.
    writeFileSync(join(root, 'notes/a.txt'), 'alpha, edited\n')
    add()
    expect(inProcess('input file').greet).toBe('passed')
    // Its config changes: it runs.
    writeFileSync(join(root, 'codex-gates.json'), JSON.stringify(gatesConfig(['--strict'])))
    add()
    expect(inProcess('config').greet).toBe('passed')
    // The tool's version changes: it runs.
    tool('1.0.1')
    expect(inProcess('tool version').greet).toBe('passed')
    // Nothing changes: reused again.
    expect(inProcess('unchanged')).toMatchObject({ greet: 'cached', toolchain: 'cached' })

    // --gate names some declared gates: only those get rows, in Vitest (--no-cache makes it scan
    // toolchain there) as in-process; a name filter alone recorded the others as skipped tests.
    /** Runs `args` in Vitest (--no-cache) then in-process; both fail; the second's rows equal the first's. */
    const sameBothWays = (args: string[]) => {
      const inVitest = run(root, dir, [...args, '--no-cache'], env)
      expect(inVitest.code, inVitest.output).toBe(1)
      expect(inVitest.output).toContain('Test Files')
      const vitestRows = latestRows(dir)
      const here = run(root, dir, args, env)
      expect(here.code, here.output).toBe(1)
      expect(here.output).not.toContain('Test Files')
      const rows = latestRows(dir)
      expect(rows.results).toEqual(vitestRows.results)
      expect(rows.gates).toEqual(vitestRows.gates)
      expect(rows.findings).toEqual(vitestRows.findings)
      expect(rows.session).toEqual(vitestRows.session)
      return rows
    }
    const picked = sameBothWays(['--gate', 'toolchain', '--gate', 'pre-commit:no-todo'])
    expect(picked.results.map((r) => r.split(' ')[2])).toEqual(['pre-commit:no-todo', 'toolchain'])
    // A hook that is not in the file is a usage error naming the closest one, not an empty pass.
    const typo = run(root, dir, ['--gate', 'pre-commit:no-tod'], env)
    expect(typo.code, typo.output).toBe(2)
    expect(typo.output).toContain('--gate pre-commit:no-tod: no such hook in .pre-commit-config.yaml')
    expect(typo.output).toContain(
      'did you mean --gate pre-commit:no-todo? its hooks: pre-commit:made-up-check, pre-commit:no-todo, pre-commit:no-fixme',
    )
    expect(typo.output).not.toMatch(/\n\s+at /)

    // A broken .pre-commit-config.yaml: the same one failing row in Vitest (--no-cache reruns
    // toolchain) and in-process.
    writeFileSync(join(root, '.pre-commit-config.yaml'), 'repos:\n  - repo: local\n    hooks: [\n')
    add()
    expect(sameBothWays([]).statuses['pre-commit']).toBe('failed')
  }, 600_000)
})

describe('codex-gates run (smoke gate)', () => {
  test.skipIf(spawnSync('python3', ['--version']).status !== 0)(
    "in-process, a smoke gate's training run and metrics land in the ledger as in a Vitest run",
    () => {
      const dir = tempDir('run-smoke-')
      const train = readFileSync(join(REPO_ROOT, 'specs', 'fixtures', 'command-gates', 'smoke', 'train.py'), 'utf8')
      const gates = (toolchain: boolean) => ({
        gates: {
          ...Object.fromEntries(GATE_NAMES.map((g) => [g, { enabled: g === 'toolchain' && toolchain }])),
          smoke: {
            run: ['python3', 'train.py', '--steps', '8'],
            kind: 'smoke',
            expect: { falls: { loss: 0.5 }, max_seconds: 60 },
          },
        },
      })
      const root = tempRepo({ 'train.py': train, 'codex-gates.json': gates(true) }, { git: true })
      const env = { CODEX_GATES_REPORTS: join(dir, 'reports') }
      const training = () => {
        const ledger = openLedger(join(dir, 'ledger.db'), { readonly: true })
        try {
          const id = ledger.get<{ id: string }>(
            'SELECT id FROM sessions ORDER BY started_at DESC, rowid DESC LIMIT 1',
          )?.id
          return ledger
            .all<{ backend: string; status: string; name: string; steps: number }>(
              `SELECT r.backend, r.status, m.name, count(*) AS steps FROM training_runs r
               JOIN metrics m ON m.run_id = r.id WHERE r.session_id = ? GROUP BY r.id, m.name ORDER BY m.name`,
              id,
            )
            .map((r) => `${r.backend} ${r.status} ${r.name} ${r.steps}`)
        } finally {
          ledger.close()
        }
      }
      // toolchain on and --no-cache: it must scan, so Vitest runs it and the smoke gate.
      const inVitest = run(root, dir, ['--no-cache'], env)
      expect(inVitest.code, inVitest.output).toBe(0)
      expect(inVitest.output).toContain('Test Files')
      const fromVitest = training()
      expect(fromVitest).toContain('command completed loss 8')
      // toolchain off: nothing needs Vitest, the smoke gate runs here.
      writeFileSync(join(root, 'codex-gates.json'), JSON.stringify(gates(false)))
      execFileSync('git', ['add', '-A'], { cwd: root })
      const here = run(root, dir, ['--no-cache'], env)
      expect(here.code, here.output).toBe(0)
      expect(here.output).not.toContain('Test Files')
      expect(training()).toEqual(fromVitest)
    },
    300_000,
  )
})

describe('codex-gates run (interrupted)', () => {
  test('Ctrl-C while declared gates run in-process stops their tools and records the session as interrupted (exit 130)', async () => {
    const dir = tempDir('run-interrupt-')
    const bin = join(dir, 'bin')
    mkdirSync(bin)
    const started = join(dir, 'tool-started')
    writeFileSync(
      join(bin, 'slow-tool'),
      `#!/bin/sh\nif [ "$1" = --version ]; then echo "slow-tool 1.0"; exit 0; fi\ntouch '${started}'\nexec sleep 60\n`,
    )
    chmodSync(join(bin, 'slow-tool'), 0o755)
    const off = Object.fromEntries(GATE_NAMES.map((g) => [g, { enabled: false }]))
    const root = tempRepo(
      {
        'a.txt': 'alpha\n',
        'codex-gates.json': { gates: { ...off, slow: { run: ['slow-tool'], files: ['\\.txt$'] } } },
      },
      { git: true },
    )
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'run', '--root', root], {
      cwd: REPO_ROOT,
      env: childEnv(join(dir, 'ledger.db'), {
        CODEX_GATE_CACHE: join(dir, 'cache.json'),
        CI: '1',
        PATH: `${bin}:${process.env.PATH ?? ''}`,
        CODEX_GATES_REPORTS: join(dir, 'reports'),
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk) => {
      output += chunk
    })
    child.stderr.on('data', (chunk) => {
      output += chunk
    })
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)))
    const deadline = Date.now() + 60_000
    while (!existsSync(started) && Date.now() < deadline) await new Promise((done) => setTimeout(done, 50))
    expect(existsSync(started), `the tool never started:\n${output}`).toBe(true)
    const signalled = Date.now()
    child.kill('SIGINT')
    expect(await exited, output).toBe(130)
    expect(Date.now() - signalled).toBeLessThan(20_000) // the tool was stopped, not waited for (60 s)
    expect(output).toContain('SIGINT: stopping the gates')
    const rows = latestRows(dir)
    expect(rows.session.status).toBe('interrupted')
    // The built-in gates are recorded as switched off; the declared one as failed, its tool stopped.
    expect(rows.gates.filter((g) => !g.includes('disabled in codex-gates.json'))).toEqual([
      expect.stringMatching(/^slow failed /),
    ])
    expect(rows.results.filter((r) => r.includes(' slow '))).toEqual([expect.stringContaining(' slow failed ')])
    expect(rows.session.tests_failed).toBe(1)
  }, 120_000)
})
