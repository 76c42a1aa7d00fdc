import { OPTIONAL_DEPENDENCIES, type OptionalDependency } from '../../foundation/optional/optional-dependencies.ts'

/** `drift:without-better-sqlite3`, `drift:without-vitest-coverage-v8` (scope `@` and `/` folded). */
export function cellName(dependency: string): string {
  return `drift:without-${dependency.replace(/^@/, '').replaceAll('/', '-')}`
}

/** The optional dependency a cell project hides, or null for any other project name. */
export function cellDependency(projectName: string): OptionalDependency | null {
  for (const dep of Object.keys(OPTIONAL_DEPENDENCIES) as OptionalDependency[])
    if (cellName(dep) === projectName) return dep
  return null
}

/** Prefix of the Python test suite's drift cells. */
export const PYTHON_CELL_PREFIX = 'python-drift:'

/** The cell where everything is importable: the state every other Python cell is compared with. */
export const PYTHON_BASELINE_CELL = `${PYTHON_CELL_PREFIX}with-all`

/** `python-drift:without-torch` for a module; `python-drift:with-all` for null. */
export function pythonCellName(module: string | null): string {
  return module === null ? PYTHON_BASELINE_CELL : `${PYTHON_CELL_PREFIX}without-${module}`
}

/**
 * What a Python cell hides: the module for `python-drift:without-<module>`, null for the
 * baseline, undefined for any other project (module names keep their dots, so this is exact).
 */
export function pythonCellModule(projectName: string): string | null | undefined {
  if (projectName === PYTHON_BASELINE_CELL) return null
  const prefix = `${PYTHON_CELL_PREFIX}without-`
  return projectName.startsWith(prefix) ? projectName.slice(prefix.length) : undefined
}
