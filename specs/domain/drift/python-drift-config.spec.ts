import { describe, expect, test } from 'vitest'
import { loadPythonDrift, PYTHON_DRIFT_DEFAULTS } from '../../../src/domain/drift/python-drift-config.ts'
import { tempRepo } from '../gates/_temp-repo.ts'

const env = {} as NodeJS.ProcessEnv

describe('loadPythonDrift()', () => {
  test('absent file or key: no cells', () => {
    expect(loadPythonDrift(tempRepo({}), env)).toBeUndefined()
    expect(loadPythonDrift(tempRepo({ 'codex-gates.json': { gates: {} } }), env)).toBeUndefined()
  })

  test('the defaults under what the file sets', () => {
    const root = tempRepo({ 'codex-gates.json': { python_drift: { cells: ['torch', 'torch.cuda', 'wandb'] } } })
    expect(loadPythonDrift(root, env)).toEqual({ ...PYTHON_DRIFT_DEFAULTS, cells: ['torch', 'torch.cuda', 'wandb'] })
    const custom = tempRepo({
      'codex-gates.json': {
        python_drift: { command: ['uv', 'run', 'pytest'], cwd: 'python', cells: [], timeout_ms: 5000 },
      },
    })
    expect(loadPythonDrift(custom, env)).toEqual({
      command: ['uv', 'run', 'pytest'],
      cwd: 'python',
      cells: [],
      timeout_ms: 5000,
    })
  })

  test('a module name that is not one, an unknown key or a repeated cell is a user error naming it', () => {
    const bad = (python_drift: unknown) => () =>
      loadPythonDrift(tempRepo({ 'codex-gates.json': { python_drift } }), env)
    expect(bad({ cells: ['torch-cuda'] })).toThrow(/\/python_drift\/cells\/0 must match pattern/)
    expect(bad({ cells: [], comand: ['x'] })).toThrow(/\/python_drift\/comand is not a known setting/)
    expect(bad({ cells: ['torch', 'wandb', 'torch'] })).toThrow(/\/python_drift\/cells\/2 repeats "torch"/)
  })
})
