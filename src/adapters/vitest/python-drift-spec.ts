import { test } from 'vitest'
import { pythonCellName } from '../../domain/drift/drift-cells.ts'
import type { PytestCase } from '../../domain/drift/parse-junit-xml.ts'
import { pythonCellReport } from '../../domain/drift/python-cell-report.ts'
import { loadPythonDrift } from '../../domain/drift/python-drift-config.ts'
import { runPythonCell } from '../../domain/drift/run-python-cell.ts'
import { gatesRoot } from '../../domain/gates/repo-files.ts'
import { setting } from '../../foundation/settings/settings.ts'
import { recordToLedger } from '../../ledger/ledger-meta.ts'

/**
 * The body of `gates/python-drift.cell.ts`: runs the Python test command once, in this project's
 * cell (`CODEX_PYTHON_DRIFT_CELL` hidden, or nothing for the baseline), while the file is
 * collected, then defines one test per pytest test that replays its outcome — passed, failed with
 * pytest's message and traceback, or skipped with its reason — and hands pytest's own duration
 * and the run's events to the ledger. A run without usable results is one failing test saying why.
 */
export async function definePythonDriftCell(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const root = gatesRoot(env)
  const settings = loadPythonDrift(root, env)
  const module = setting('CODEX_PYTHON_DRIFT_CELL', env) ?? null
  const cell = pythonCellName(module)
  if (!settings) {
    test(`${cell}: test command`, ({ skip }) => skip(`no python_drift in ${root}/codex-gates.json`))
    return
  }
  const run = await runPythonCell({ root, settings, hidden: module ? [module] : [], env })
  const report = pythonCellReport(run)
  const context = `GATES_ROOT=${root}; cell ${cell}; ${run.command.join(' ')} in ${run.cwd}`
  if (report.problem || run.cases.length === 0) {
    test(`${cell}: test command`, ({ task, skip }) => {
      recordToLedger(task, {
        events: report.events,
        durationMs: run.durationMs,
        step: `${cell}: test command`,
        context,
      })
      if (report.problem) throw pytestError(`${report.problem}\n${run.output.trim().split('\n').slice(-20).join('\n')}`)
      skip(`no tests collected (exit ${run.exitCode})`)
    })
    return
  }
  run.cases.forEach((c, i) => {
    test(c.nodeid, ({ task, skip }) => {
      recordToLedger(task, {
        durationMs: c.durationMs,
        ...(c.file ? { file: c.file } : {}),
        ...(i === 0 ? { events: report.events } : {}),
        step: `pytest ${c.nodeid} (${cell})`,
        context,
      })
      if (c.state === 'failed') throw pytestError(failureText(c))
      if (c.state === 'skipped') skip(c.kind === 'xfail' ? `xfail: ${c.message ?? ''}` : (c.message ?? 'skipped'))
    })
  })
}

// --- internal ---

/** How many traceback lines of a pytest failure are kept (its end: where it failed). */
const TRACEBACK_LINES = 30

function failureText(c: PytestCase): string {
  const what = c.kind === 'collection' ? 'collection failed' : c.kind === 'error' ? 'error' : 'failed'
  const where = c.file ? ` (${c.file}${c.line ? `:${c.line}` : ''})` : ''
  const trace = (c.details ?? '').split('\n').slice(-TRACEBACK_LINES).join('\n')
  return `pytest ${what}${where}: ${c.message ?? ''}${trace ? `\n${trace}` : ''}`
}

/** An error whose stack is pytest's text only: a JavaScript stack here would point at the replay. */
function pytestError(text: string): Error {
  const error = new Error(text)
  error.name = 'PytestFailure'
  error.stack = `PytestFailure: ${text}`
  return error
}
