// End to end: the real gates project (gates/commands.gate.ts) as a child process against temp
// repositories, writing a temp ledger: command gates side by side, a smoke run's metrics, and one
// gate_runs row per hook of a seeds-style .pre-commit-config.yaml.
import { execFile, spawnSync } from 'node:child_process'
import { copyFileSync, cpSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { PACKAGE_ROOT } from '../../../src/domain/gates/repo-files.ts'
import { openLedger } from '../../../src/ledger/open-ledger.ts'
import { tempDir, tempRepo } from '../../domain/gates/_temp-repo.ts'

const FIXTURES = join(PACKAGE_ROOT, 'specs', 'fixtures')
const hasPython = spawnSync('python3', ['--version']).status === 0
const SLOW_MS = 3000

/** `vitest run --project gates gates/commands.gate.ts` against `root`, ledger and cache in `dir`. */
function runCommandsGateFile(
  root: string,
  dir: string,
  extra: Record<string, string> = {},
): Promise<{ code: number | null; output: string }> {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(VITEST|TINYPOOL|CODEX_SESSION_ID$|CODEX_GATE|GATES_ROOT$|NODE_ENV$)/.test(k)) env[k] = v
  }
  Object.assign(env, {
    GATES_ROOT: root,
    CODEX_LEDGER: join(dir, 'ledger.db'),
    CODEX_GATE_CACHE: join(dir, 'gate-cache.json'),
    CODEX_GATES_REPORTS: join(dir, 'reports'),
    NO_COLOR: '1',
    ...extra,
  })
  return new Promise((resolve) => {
    execFile(
      join(PACKAGE_ROOT, 'node_modules', '.bin', 'vitest'),
      ['run', '--project', 'gates', 'gates/commands.gate.ts'],
      { cwd: PACKAGE_ROOT, env, maxBuffer: 32 * 1024 * 1024, timeout: 240_000 },
      (error, stdout, stderr) =>
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : null) : 0,
          output: `${stdout}${stderr}`,
        }),
    )
  })
}

function rows<T>(dir: string, sql: string): T[] {
  const ledger = openLedger(join(dir, 'ledger.db'), { readonly: true })
  try {
    return ledger.all<T>(sql)
  } finally {
    ledger.close()
  }
}

describe('gates/commands.gate.ts', () => {
  test('command gates run side by side, findings at file:line, a missing tool skips, a smoke run lands in metrics', async () => {
    const root = tempRepo(
      {
        'src/model.py': 'def forward(x):\n    breakpoint()\n    return x\n',
        'train.py': readFileSync(join(FIXTURES, 'command-gates', 'smoke', 'train.py'), 'utf8'),
        'codex-gates.json': {
          gates: {
            'slow-a': { run: ['node', 'tools/slow.mjs', String(SLOW_MS)] },
            'slow-b': { run: ['node', 'tools/slow.mjs', String(SLOW_MS)] },
            'slow-c': { run: `node tools/slow.mjs ${SLOW_MS}` },
            breakpoints: {
              run: ['node', 'tools/lint-lines.mjs'],
              files: ['*.py'],
              pass_filenames: true,
              format: 'lines',
              pattern: 'mypy',
            },
            mypy: { run: ['mypy-is-not-installed', 'src'] },
            'smoke-cpu': {
              run: ['python3', 'train.py', '--steps', '15'],
              kind: 'smoke',
              expect: { falls: { loss: 1 }, max_seconds: 60 },
            },
          },
        },
      },
      { git: true },
    )
    mkdirSync(join(root, 'tools'))
    for (const t of ['slow.mjs', 'lint-lines.mjs'])
      copyFileSync(join(FIXTURES, 'command-gates', 'tools', t), join(root, 'tools', t))
    const dir = tempDir('commands-gate-')
    const run = await runCommandsGateFile(root, dir)
    expect(run.code, run.output).toBe(1)
    expect(run.output).toContain('breakpoints src/model.py:2 no-breakpoint: breakpoint() left in the code (col 5)')

    const gates = rows<{ gate: string; status: string; duration_ms: number; reason: string | null }>(
      dir,
      'SELECT gate, status, duration_ms, reason FROM gate_runs ORDER BY gate',
    )
    const byGate = Object.fromEntries(gates.map((g) => [g.gate, g]))
    expect(Object.keys(byGate)).toEqual(['breakpoints', 'mypy', 'slow-a', 'slow-b', 'slow-c', 'smoke-cpu'])
    expect(byGate.breakpoints?.status).toBe('failed')
    expect(byGate.mypy).toMatchObject({
      status: 'skipped',
      reason:
        'mypy-is-not-installed is not installed (not found on PATH): install mypy-is-not-installed so it is on PATH, or set "install" in the gate\'s config to say how',
    })
    for (const g of ['slow-a', 'slow-b', 'slow-c']) expect(byGate[g]?.status).toBe('passed')

    // Side by side: the whole session (Vitest's start included) took less than the slow gates one after another.
    const [session] = rows<{ started_at: string; ended_at: string }>(dir, 'SELECT started_at, ended_at FROM sessions')
    const wall = Date.parse(session?.ended_at ?? '') - Date.parse(session?.started_at ?? '')
    const sum = ['slow-a', 'slow-b', 'slow-c'].reduce((s, g) => s + (byGate[g]?.duration_ms ?? 0), 0)
    expect(sum).toBeGreaterThanOrEqual(3 * SLOW_MS)
    expect(wall).toBeLessThan(sum)

    const findings = rows<{ gate: string; file: string; line: number; rule: string }>(
      dir,
      'SELECT gate, file, line, rule FROM findings',
    )
    expect(findings).toEqual([{ gate: 'breakpoints', file: 'src/model.py', line: 2, rule: 'no-breakpoint' }])
    const logs = rows<{ path: string }>(dir, "SELECT path FROM artifacts WHERE kind = 'command-log' ORDER BY path")
    expect(logs.map((l) => l.path.split('/').pop())).toContain('breakpoints.log')

    if (!hasPython) {
      expect(byGate['smoke-cpu']?.reason).toMatch(/^python3 is not installed/)
      return
    }
    expect(byGate['smoke-cpu']?.status).toBe('passed')
    const [training] = rows<{ id: string; backend: string; status: string }>(
      dir,
      'SELECT id, backend, status FROM training_runs',
    )
    expect(training).toMatchObject({ backend: 'command', status: 'completed' })
    const losses = rows<{ step: number; value: number }>(
      dir,
      "SELECT step, value FROM metrics WHERE name = 'loss' ORDER BY step",
    )
    expect(losses.map((l) => l.step)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1))
    expect((losses[14]?.value ?? 0) < (losses[0]?.value ?? 0) - 1).toBe(true)
  }, 300_000)

  test('a seeds-style .pre-commit-config.yaml: one gate_runs row per hook, supported hooks run, the rest skip with the reason', async () => {
    const root = join(tempDir('commands-gate-seeds-'), 'repo')
    cpSync(join(FIXTURES, 'pre-commit', 'seeds-style'), root, { recursive: true })
    spawnSync('git', ['init', '-q'], { cwd: root })
    spawnSync('git', ['add', '-A'], { cwd: root })
    const dir = tempDir('commands-gate-seeds-state-')
    const run = await runCommandsGateFile(root, dir, { PYTHONPATH: 'src' })
    expect(run.code, run.output).toBe(1) // trailing whitespace in src/seeds/train.py
    const gates = rows<{ gate: string; status: string; reason: string | null }>(
      dir,
      'SELECT gate, status, reason FROM gate_runs',
    )
    expect(gates.map((g) => g.gate).sort()).toEqual(
      [
        'ruff',
        'ruff-format',
        'black',
        'trailing-whitespace',
        'end-of-file-fixer',
        'check-yaml',
        'mixed-line-ending',
        'check-added-large-files',
        'detect-private-key',
        'sqlfluff-lint',
        'mypy',
        'pytest-quick',
        'bandit',
        'detect-secrets',
      ]
        .map((id) => `pre-commit:${id}`)
        .sort(),
    )
    const status = Object.fromEntries(gates.map((g) => [g.gate, g.status]))
    expect(status).toMatchObject({
      'pre-commit:trailing-whitespace': 'failed',
      'pre-commit:end-of-file-fixer': 'passed',
      'pre-commit:check-yaml': 'passed',
      'pre-commit:mixed-line-ending': 'passed',
      'pre-commit:check-added-large-files': 'passed',
      'pre-commit:detect-private-key': 'passed',
      'pre-commit:detect-secrets': 'passed',
      'pre-commit:black': 'skipped',
    })
    for (const g of gates.filter((g) => g.status === 'skipped'))
      expect(g.reason, g.gate).toMatch(/needs|runs at|not installed/)
    const findings = rows<{ gate: string; file: string; rule: string }>(dir, 'SELECT gate, file, rule FROM findings')
    expect(findings).toEqual([
      { gate: 'pre-commit:trailing-whitespace', file: 'src/seeds/train.py', rule: 'trailing-whitespace' },
    ])
  }, 300_000)
})
