import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { beforeAll, describe, expect, test, vi } from 'vitest'
import type { ViteUserConfig } from 'vitest/config'
import { gateSpecsDir } from '../../../src/adapters/vitest/gates-project.ts'
import { pythonDriftProjects } from '../../../src/adapters/vitest/python-drift-projects.ts'
import { ledgerCli } from '../../../src/app/ledger/ledger-command.ts'
import { openLedger } from '../../../src/ledger/open-ledger.ts'
import { driftSuiteCopy, hasPytest, NO_PYTEST } from '../../domain/drift/_pytest.ts'
import { childEnv, REPO_ROOT, tempDir } from '../../support/temp-dir.ts'
import { textIo } from '../../support/text-io.ts'

const FIXTURE = join(REPO_ROOT, 'specs', 'fixtures', 'python', 'drift-suite')
const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx')
const RUNNER = join(REPO_ROOT, 'specs', 'adapters', 'vitest', 'run-python-drift-fixture.ts')

describe('pythonDriftProjects()', () => {
  test('the baseline and one project per python_drift cell, each running the cell spec with its module in the environment', () => {
    const projects = pythonDriftProjects(FIXTURE, { env: { EXTRA: '1' } }, {})
    expect(projects.map((p) => [p.test?.name, p.test?.env?.CODEX_PYTHON_DRIFT_CELL])).toEqual([
      ['python-drift:with-all', ''],
      ['python-drift:without-fancy_optional', 'fancy_optional'],
    ])
    expect(projects[1]?.test).toMatchObject({
      root: FIXTURE,
      dir: gateSpecsDir().dir,
      include: ['python-drift.cell.ts'],
      env: { EXTRA: '1', GATES_ROOT: FIXTURE },
    })
  })

  test('a repository without python_drift has none (this one)', () => {
    expect(pythonDriftProjects(REPO_ROOT, {}, {})).toEqual([])
  })
})

describe('python-drift cells on a real Vitest run', () => {
  const ledgerPath = join(tempDir('python-drift-ledger-'), 'ledger.db')
  type Row = {
    project: string
    file: string
    name: string
    state: string
    error: string | null
    skip_reason: string | null
    duration_ms: number
  }
  let code = 0
  let rows: Row[] = []
  let events: { message: string; data_json: string | null }[] = []
  let wallMs = 0

  beforeAll(() => {
    if (!hasPytest) return
    const started = performance.now()
    try {
      execFileSync(TSX, [RUNNER, driftSuiteCopy()], {
        env: childEnv(ledgerPath),
        encoding: 'utf8',
        stdio: 'pipe',
        timeout: 120_000,
      })
    } catch (error) {
      code = (error as { status: number }).status
    }
    wallMs = performance.now() - started
    const ledger = openLedger(ledgerPath)
    rows = ledger.all<Row>(
      'SELECT project, file, name, state, error, skip_reason, duration_ms FROM test_results ORDER BY project, id',
    )
    events = ledger.all("SELECT message, data_json FROM events WHERE role = 'tool' ORDER BY id")
    ledger.close()
  }, 150_000)

  test('both states are recorded per pytest test: the unguarded import fails only without the module', (ctx) => {
    if (!hasPytest) return ctx.skip(NO_PYTEST)
    expect(code).toBe(1)
    const table = rows.map((r) => [r.project, r.file, r.name, r.state])
    expect(table).toEqual([
      ['python-drift:with-all', 'tests/test_optional.py', 'tests/test_optional.py::test_core', 'passed'],
      ['python-drift:with-all', 'tests/test_optional.py', 'tests/test_optional.py::test_guarded', 'passed'],
      ['python-drift:with-all', 'tests/test_optional.py', 'tests/test_optional.py::test_unguarded', 'passed'],
      ['python-drift:with-all', 'tests/test_optional.py', 'tests/test_optional.py::test_availability_check', 'passed'],
      ['python-drift:with-all', 'tests/test_plugins.py', 'tests/test_plugins.py::test_plugin_name', 'passed'],
      ['python-drift:without-fancy_optional', 'tests/test_plugins.py', 'tests/test_plugins.py', 'failed'],
      ['python-drift:without-fancy_optional', 'tests/test_optional.py', 'tests/test_optional.py::test_core', 'passed'],
      [
        'python-drift:without-fancy_optional',
        'tests/test_optional.py',
        'tests/test_optional.py::test_guarded',
        'skipped',
      ],
      [
        'python-drift:without-fancy_optional',
        'tests/test_optional.py',
        'tests/test_optional.py::test_unguarded',
        'failed',
      ],
      [
        'python-drift:without-fancy_optional',
        'tests/test_optional.py',
        'tests/test_optional.py::test_availability_check',
        'passed',
      ],
    ])
    const without = (name: string) => rows.find((r) => r.project.endsWith('fancy_optional') && r.name === name) as Row
    expect(without('tests/test_optional.py::test_guarded').skip_reason).toBe('fancy_optional is not installed')
    expect(without('tests/test_optional.py::test_unguarded').error).toMatch(
      /^PytestFailure: pytest failed \(tests\/test_optional\.py:18\): ModuleNotFoundError: No module named 'fancy_optional' \(hidden by codex-gates python-drift\)\n/,
    )
    // pytest's own per-test time, not Vitest's replay.
    expect(rows.every((r) => r.duration_ms >= 0 && r.duration_ms < 1000)).toBe(true)
  })

  test('each cell’s run is a tool event with its command, exit code and wall time', (ctx) => {
    if (!hasPytest) return ctx.skip(NO_PYTEST)
    const runs = events.filter((e) => e.message.includes('python3 -m pytest -q → exit'))
    expect(runs.map((e) => e.message.replace(/ in [\d.]+ s:/, ' in N s:')).sort()).toEqual([
      'python-drift:with-all: python3 -m pytest -q → exit 0 in N s: 5 passed, 0 failed, 0 skipped',
      'python-drift:without-fancy_optional: python3 -m pytest -q → exit 1 in N s: 2 passed, 1 failed, 1 skipped, 1 collection error(s)',
    ])
    const secs = runs.map((e) => (JSON.parse(e.data_json as string) as { duration_ms: number }).duration_ms / 1000)
    console.log(
      `python-drift: cells ran ${secs.map((s) => `${s.toFixed(2)} s`).join(' and ')}; whole Vitest run ${(wallMs / 1000).toFixed(1)} s`,
    )
  })

  test('`ledger show` prints the cells in the drift matrix and the tests whose outcome differs, a column per cell', async (ctx) => {
    if (!hasPytest) return ctx.skip(NO_PYTEST)
    vi.stubEnv('CODEX_LEDGER', ledgerPath)
    let out = ''
    try {
      expect(
        await ledgerCli(
          ['show', 'latest'],
          textIo((t) => (out += t)),
        ),
      ).toBe(0)
    } finally {
      vi.unstubAllEnvs()
    }
    const lines = out.split('\n')
    const at = (title: string) => lines.findIndex((l) => l.startsWith(title))
    // Columns: cell, without, passed, failed, skipped, secs (pytest's time: varies), verdict.
    const cells = lines.slice(at('drift matrix') + 3, at('drift matrix') + 5).map((l) => l.split(/ +/))
    expect(
      cells.map(([cell, without, passed, failed, skipped, , verdict]) => [
        cell,
        without,
        passed,
        failed,
        skipped,
        verdict,
      ]),
    ).toEqual([
      ['python-drift:with-all', '(nothing)', '5', '0', '0', 'passed'],
      ['python-drift:without-fancy_optional', 'fancy_optional', '2', '2', '1', 'FAILED'],
    ])
    expect(lines[at('python drift by test')]).toBe(
      'python drift by test (tests whose outcome differs between cells; 2 tests with the same outcome in every cell not shown)',
    )
    expect(lines.slice(at('python drift by test') + 1, at('python drift by test') + 7)).toEqual([
      'test                                     with-all  without-fancy_optional',
      '---------------------------------------  --------  ----------------------',
      'tests/test_optional.py::test_guarded     passed    skipped',
      'tests/test_optional.py::test_unguarded   passed    FAILED',
      'tests/test_plugins.py::test_plugin_name  passed    -',
      'tests/test_plugins.py                    -         FAILED',
    ])
  })
})

describe('withCodexGates()', () => {
  test('adds the python-drift cells of a repository that declares them, after its own projects and the gates', async () => {
    const { withCodexGates } = await import('../../../src/adapters/vitest/with-codex-gates.ts')
    const config = withCodexGates({ test: { include: ['tests/**/*.test.ts'] } } as ViteUserConfig, {
      root: FIXTURE,
      reporter: false,
    })
    expect(config.test?.projects?.map((p) => (typeof p === 'object' && 'test' in p ? p.test?.name : p))).toEqual([
      'tests',
      'gates',
      'python-drift:with-all',
      'python-drift:without-fancy_optional',
    ])
  })
})
