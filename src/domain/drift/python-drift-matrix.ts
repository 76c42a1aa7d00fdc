import type { TableRow } from '../../foundation/cli/format-table.ts'
import { PYTHON_BASELINE_CELL, PYTHON_CELL_PREFIX } from './drift-cells.ts'

/** One test's outcome in one cell, as the ledger's test_results has it. */
export interface CellTestState {
  project: string
  name: string
  state: string
}

/** The per-test matrix: the tests whose outcome differs between cells, and how many agree. */
export interface PythonDriftMatrix {
  /** Cell names, the baseline first, then the others by name. */
  cells: string[]
  /** One row per differing test: `test`, then one column per cell (`-` where it did not run). */
  rows: TableRow[]
  /** Tests with the same outcome in every cell. */
  agreeing: number
}

/**
 * Tests × cells for the Python drift cells of one session: a row for each test whose outcome is
 * not the same in every cell (failed only without torch, or collected only with it), in the
 * order the tests first appear; failures are shown in capitals so they stand out.
 */
export function pythonDriftMatrix(results: readonly CellTestState[]): PythonDriftMatrix {
  const python = results.filter((r) => r.project.startsWith(PYTHON_CELL_PREFIX))
  const cells = [...new Set(python.map((r) => r.project))].sort(
    (a, b) => Number(b === PYTHON_BASELINE_CELL) - Number(a === PYTHON_BASELINE_CELL) || a.localeCompare(b),
  )
  const byTest = new Map<string, Map<string, string>>()
  for (const r of python) {
    let states = byTest.get(r.name)
    if (!states) {
      states = new Map()
      byTest.set(r.name, states)
    }
    states.set(r.project, r.state)
  }
  const rows: TableRow[] = []
  let agreeing = 0
  for (const [test, states] of byTest) {
    const shown = cells.map((c) => show(states.get(c)))
    if (shown.every((s) => s === shown[0])) {
      agreeing++
      continue
    }
    const row: TableRow = { test }
    cells.forEach((c, i) => {
      row[c.slice(PYTHON_CELL_PREFIX.length)] = shown[i] as string
    })
    rows.push(row)
  }
  return { cells, rows, agreeing }
}

// --- internal ---

function show(state: string | undefined): string {
  if (state === undefined) return '-'
  return state === 'failed' ? 'FAILED' : state
}
