import { readFileSync } from 'node:fs'
import { UserError } from '../../foundation/errors/user-error.ts'
import { gatesConfigPath, loadGatesConfig } from '../gates/gates-config.ts'

/** `python_drift` in codex-gates.json, with defaults applied. */
export interface PythonDriftSettings {
  /** The team's test command, run once per cell (pytest: `--junitxml` and a few flags are appended). */
  command: string[]
  /** Where it runs, relative to the gated root. */
  cwd: string
  /** Modules to hide, one cell each: `torch` hides `torch` and `torch.*`. */
  cells: string[]
  /** ms one cell's command may run. */
  timeout_ms: number
}

/** The defaults under whatever `python_drift` sets. */
export const PYTHON_DRIFT_DEFAULTS: Omit<PythonDriftSettings, 'cells'> = {
  command: ['python3', '-m', 'pytest', '-q'], // the test command, as an argument list
  cwd: '.', // relative to the gated root
  timeout_ms: 600_000, // ms per cell
}

/**
 * The root's `python_drift` settings, or undefined when its codex-gates.json has none (then no
 * python-drift cells exist). The whole file is validated as `loadGatesConfig` does, so a bad
 * setting is a UserError naming it; a module listed twice is one too.
 */
export function loadPythonDrift(root: string, env: NodeJS.ProcessEnv = process.env): PythonDriftSettings | undefined {
  const path = gatesConfigPath(root, env)
  if (!path) return undefined
  loadGatesConfig(root, env)
  const raw = (JSON.parse(readFileSync(path, 'utf8')) as { python_drift?: Partial<PythonDriftSettings> }).python_drift
  if (!raw) return undefined
  const settings = { ...PYTHON_DRIFT_DEFAULTS, ...raw, cells: raw.cells ?? [] }
  const seen = new Set<string>()
  settings.cells.forEach((cell, i) => {
    if (seen.has(cell))
      throw new UserError(
        'GATES_CONFIG',
        `${path}: /python_drift/cells/${i} repeats "${cell}"`,
        'list each module once: a cell hides one module and its submodules',
      )
    seen.add(cell)
  })
  return settings
}
