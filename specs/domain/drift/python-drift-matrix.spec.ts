import { describe, expect, test } from 'vitest'
import { pythonCellModule, pythonCellName } from '../../../src/domain/drift/drift-cells.ts'
import { pythonDriftMatrix } from '../../../src/domain/drift/python-drift-matrix.ts'

describe('pythonCellName()', () => {
  test('names the baseline and the cells; pythonCellModule() reads them back, dots kept', () => {
    expect(pythonCellName(null)).toBe('python-drift:with-all')
    expect(pythonCellName('torch.cuda')).toBe('python-drift:without-torch.cuda')
    expect(pythonCellModule('python-drift:without-torch.cuda')).toBe('torch.cuda')
    expect(pythonCellModule('python-drift:with-all')).toBeNull()
    expect(pythonCellModule('drift:without-better-sqlite3')).toBeUndefined()
  })
})

describe('pythonDriftMatrix()', () => {
  const row = (project: string, name: string, state: string) => ({ project, name, state })

  test('one row per test whose outcome differs, a column per cell (baseline first), failures in capitals', () => {
    const matrix = pythonDriftMatrix([
      row('python-drift:without-wandb', 'tests/a.py::test_core', 'passed'),
      row('python-drift:without-torch', 'tests/a.py::test_core', 'passed'),
      row('python-drift:with-all', 'tests/a.py::test_core', 'passed'),
      row('python-drift:with-all', 'tests/a.py::test_model', 'passed'),
      row('python-drift:without-torch', 'tests/a.py::test_model', 'failed'),
      row('python-drift:without-wandb', 'tests/a.py::test_model', 'passed'),
      row('python-drift:with-all', 'tests/b.py::test_log', 'passed'),
      row('python-drift:without-torch', 'tests/b.py::test_log', 'passed'),
      row('python-drift:without-wandb', 'tests/b.py', 'failed'),
      row('unit', 'tests/a.py::test_model', 'failed'),
    ])
    expect(matrix.cells).toEqual(['python-drift:with-all', 'python-drift:without-torch', 'python-drift:without-wandb'])
    expect(matrix.agreeing).toBe(1)
    expect(matrix.rows).toEqual([
      { test: 'tests/a.py::test_model', 'with-all': 'passed', 'without-torch': 'FAILED', 'without-wandb': 'passed' },
      { test: 'tests/b.py::test_log', 'with-all': 'passed', 'without-torch': 'passed', 'without-wandb': '-' },
      { test: 'tests/b.py', 'with-all': '-', 'without-torch': '-', 'without-wandb': 'FAILED' },
    ])
  })

  test('no Python cells: nothing', () => {
    expect(pythonDriftMatrix([row('unit', 'x', 'passed')])).toEqual({ cells: [], rows: [], agreeing: 0 })
  })
})
