import type { TestProjectInlineConfiguration } from 'vitest/config'
import { pythonCellName } from '../../domain/drift/drift-cells.ts'
import { loadPythonDrift } from '../../domain/drift/python-drift-config.ts'
import { gateSpecsDir } from './gates-project.ts'

export interface PythonDriftProjectOptions {
  /** Extra environment for the cell workers (this repository adds its spec guard). */
  env?: Record<string, string>
}

/**
 * The Python test suite's drift cells as Vitest projects, from `python_drift` in the root's
 * codex-gates.json (none when it has no such key): `python-drift:with-all`, the suite with
 * everything importable, and one `python-drift:without-<module>` per listed module. Each runs
 * the one cell spec, which runs the test command and turns every pytest test into a Vitest test,
 * so the ledger reporter records both states per test and `ledger show` prints the matrix.
 */
export function pythonDriftProjects(
  root: string,
  options: PythonDriftProjectOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): TestProjectInlineConfiguration[] {
  const settings = loadPythonDrift(root, env)
  if (!settings) return []
  const specs = gateSpecsDir()
  const cellSpec = (specs.include[0] as string).replace('*.gate.', 'python-drift.cell.')
  return [null, ...settings.cells].map((module) => ({
    test: {
      name: pythonCellName(module),
      root,
      dir: specs.dir,
      include: [cellSpec],
      // The spec lives inside node_modules when installed: Vitest's default exclude would drop it.
      exclude: [],
      env: { ...options.env, GATES_ROOT: root, CODEX_PYTHON_DRIFT_CELL: module ?? '' },
    },
  }))
}
