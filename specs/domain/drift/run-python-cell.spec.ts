import { describe, expect, test } from 'vitest'
import { PYTHON_DRIFT_DEFAULTS } from '../../../src/domain/drift/python-drift-config.ts'
import { commandWithReport, runPythonCell } from '../../../src/domain/drift/run-python-cell.ts'
import { driftSuiteCopy, hasPytest, hasPython3, NO_PYTEST, NO_PYTHON3 } from './_pytest.ts'

const settings = (command: string[] = PYTHON_DRIFT_DEFAULTS.command, timeout_ms = 120_000) => ({
  ...PYTHON_DRIFT_DEFAULTS,
  command,
  timeout_ms,
  cells: ['fancy_optional'],
})

describe('commandWithReport()', () => {
  test('appends the report flags to a pytest command; a {junitxml} placeholder is filled in instead', () => {
    expect(commandWithReport(['python3', '-m', 'pytest', '-q'], '/t/j.xml')).toEqual([
      'python3',
      '-m',
      'pytest',
      '-q',
      '--junitxml=/t/j.xml',
      '-o',
      'junit_family=xunit1',
      '-p',
      'no:cacheprovider',
      '--continue-on-collection-errors',
    ])
    expect(commandWithReport(['make', 'test', 'PYTEST_ADDOPTS=--junitxml={junitxml}'], '/t/j.xml')).toEqual([
      'make',
      'test',
      'PYTEST_ADDOPTS=--junitxml=/t/j.xml',
    ])
  })
})

describe('runPythonCell()', () => {
  test('the baseline: every fixture test passes, the hiding module ran and hid nothing', async (ctx) => {
    if (!hasPytest) return ctx.skip(NO_PYTEST)
    const run = await runPythonCell({ root: driftSuiteCopy(), settings: settings(), hidden: [] })
    expect(run.problem).toBeUndefined()
    expect(run.exitCode).toBe(0)
    expect(run.cases.map((c) => [c.nodeid, c.state])).toEqual([
      ['tests/test_optional.py::test_core', 'passed'],
      ['tests/test_optional.py::test_guarded', 'passed'],
      ['tests/test_optional.py::test_unguarded', 'passed'],
      ['tests/test_optional.py::test_availability_check', 'passed'],
      ['tests/test_plugins.py::test_plugin_name', 'passed'],
    ])
    expect(run.proof).toMatchObject({ started: true, refused: {}, purged: [] })
    expect(run.durationMs).toBeGreaterThan(0)
  })

  test('without fancy_optional: the guarded test skips, the unguarded one and the importing file fail, the rest pass', async (ctx) => {
    if (!hasPytest) return ctx.skip(NO_PYTEST)
    const run = await runPythonCell({ root: driftSuiteCopy(), settings: settings(), hidden: ['fancy_optional'] })
    expect(run.problem).toBeUndefined()
    expect(run.exitCode).toBe(1)
    expect(run.cases.map((c) => [c.nodeid, c.state, c.kind ?? null])).toEqual([
      ['tests/test_plugins.py', 'failed', 'collection'],
      ['tests/test_optional.py::test_core', 'passed', null],
      ['tests/test_optional.py::test_guarded', 'skipped', 'skipped'],
      ['tests/test_optional.py::test_unguarded', 'failed', 'failure'],
      ['tests/test_optional.py::test_availability_check', 'passed', null],
    ])
    expect(run.cases[3]?.message).toBe(
      "ModuleNotFoundError: No module named 'fancy_optional' (hidden by codex-gates python-drift)",
    )
    expect(run.proof.started).toBe(true)
    expect(run.proof.refused.fancy_optional).toBeGreaterThan(0)
    expect(run.proof.present).toEqual({ fancy_optional: true })
  })

  test('a command that is not there, writes no report, or runs past its time is a problem, not a throw', async (ctx) => {
    if (!hasPython3) return ctx.skip(NO_PYTHON3)
    const root = driftSuiteCopy()
    const missing = await runPythonCell({ root, settings: settings(['no-such-python3']), hidden: [] })
    expect(missing.problem).toMatch(/^cannot run no-such-python3 --junitxml=.*: no-such-python3 not found on PATH/)
    const notPytest = await runPythonCell({ root, settings: settings(['python3', '-c', 'pass']), hidden: [] })
    expect(notPytest).toMatchObject({ exitCode: 0, cases: [] })
    expect(notPytest.problem).toBe(
      'the command exited 0 without writing the JUnit report it was asked for (is it pytest?)',
    )
    const slow = await runPythonCell({
      root,
      settings: settings(['python3', '-c', 'import time; time.sleep(30)', '{junitxml}'], 1_000),
      hidden: [],
    })
    expect(slow).toMatchObject({ timedOut: true, problem: 'the command ran past 1000 ms and was stopped' })
    expect(slow.durationMs).toBeLessThan(10_000)
  })

  test('a Python that ignores PYTHONPATH leaves no proof that anything was hidden', async (ctx) => {
    if (!hasPytest) return ctx.skip(NO_PYTEST)
    const run = await runPythonCell({
      root: driftSuiteCopy(),
      settings: settings(['python3', '-E', '-m', 'pytest', '-q']),
      hidden: ['fancy_optional'],
    })
    expect(run.proof.started).toBe(false)
    expect(run.cases.every((c) => c.state === 'passed')).toBe(true)
  })
})
