import { describe, expect, test } from 'vitest'
import type { PytestCase } from '../../../src/domain/drift/parse-junit-xml.ts'
import { pythonCellReport } from '../../../src/domain/drift/python-cell-report.ts'
import type { PythonCellRun } from '../../../src/domain/drift/run-python-cell.ts'

const pytestCase = (nodeid: string, state: PytestCase['state'], kind?: PytestCase['kind']): PytestCase => ({
  nodeid,
  file: 'tests/t.py',
  line: 1,
  state,
  durationMs: 1,
  ...(kind ? { kind } : {}),
})

function cellRun(overrides: Partial<PythonCellRun> = {}): PythonCellRun {
  return {
    hidden: ['torch'],
    command: ['python3', '-m', 'pytest', '-q'],
    argv: ['python3', '-m', 'pytest', '-q', '--junitxml=/tmp/x/junit.xml'],
    cwd: '/repo',
    exitCode: 1,
    timedOut: false,
    durationMs: 2345,
    cases: [
      pytestCase('tests/t.py::a', 'passed'),
      pytestCase('tests/t.py::b', 'failed', 'failure'),
      pytestCase('tests/t.py::c', 'skipped', 'skipped'),
      pytestCase('tests/u.py', 'failed', 'collection'),
    ],
    proof: { started: true, refused: { torch: 3 }, present: { torch: true }, purged: [], python: '3.11.7' },
    output: '',
    ...overrides,
  }
}

describe('pythonCellReport()', () => {
  test('one tool event with the command, exit code, time and counts (collection errors apart)', () => {
    const report = pythonCellReport(cellRun())
    expect(report.cell).toBe('python-drift:without-torch')
    expect(report.problem).toBeUndefined()
    expect(report.events).toEqual([
      {
        role: 'tool',
        level: 'info',
        message:
          'python-drift:without-torch: python3 -m pytest -q → exit 1 in 2.3 s: 1 passed, 1 failed, 1 skipped, 1 collection error(s)',
        data: expect.objectContaining({
          cell: 'python-drift:without-torch',
          exit_code: 1,
          duration_ms: 2345,
          python: '3.11.7',
        }),
      },
    ])
  })

  test('a module nothing imported, or one that is not installed at all, is said so', () => {
    const unused = pythonCellReport(
      cellRun({ proof: { started: true, refused: {}, present: {}, purged: [], python: '3.11.7' } }),
    )
    expect(unused.events[1]).toMatchObject({
      level: 'info',
      message: 'python-drift:without-torch: nothing imported torch, so this cell ran like python-drift:with-all',
    })
    const absent = pythonCellReport(
      cellRun({
        proof: { started: true, refused: { torch: 2 }, present: { torch: false }, purged: ['torch'], python: '3.11.7' },
      }),
    )
    expect(absent.events.slice(1).map((e) => [e.level, e.message])).toEqual([
      [
        'info',
        'python-drift:without-torch: torch had been imported at start-up (a .pth file) and was dropped from sys.modules',
      ],
      [
        'warn',
        'python-drift:without-torch: torch is not installed here, so python-drift:with-all cannot exercise it either (2 import(s) refused); install it to compare both states',
      ],
    ])
  })

  test('no proof of hiding, or a run that failed to report, makes the cell a problem', () => {
    expect(
      pythonCellReport(cellRun({ proof: { started: false, refused: {}, present: {}, purged: [], python: undefined } }))
        .problem,
    ).toMatch(/^the hiding sitecustomize\.py never ran, so torch was importable: /)
    expect(pythonCellReport(cellRun({ problem: 'the command ran past 1000 ms and was stopped' })).problem).toBe(
      'the command ran past 1000 ms and was stopped',
    )
    // The baseline hides nothing: no proof needed.
    const baseline = pythonCellReport(
      cellRun({ hidden: [], proof: { started: false, refused: {}, present: {}, purged: [], python: undefined } }),
    )
    expect([baseline.cell, baseline.problem]).toEqual(['python-drift:with-all', undefined])
  })
})
