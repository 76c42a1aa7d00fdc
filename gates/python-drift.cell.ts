import { definePythonDriftCell } from '../src/adapters/vitest/python-drift-spec.ts'

// One python-drift cell (which one: the project's CODEX_PYTHON_DRIFT_CELL); see python-drift-projects.ts.
await definePythonDriftCell()
