import type { EventMeta } from '../../ledger/ledger-meta.ts'
import { pythonCellName } from './drift-cells.ts'
import type { PythonCellRun } from './run-python-cell.ts'

/** What a cell's run means for the ledger: its `tool` events, and why its results cannot count, if so. */
export interface PythonCellReport {
  cell: string
  events: EventMeta[]
  /** Set when the run gave no trustworthy per-test results: the cell fails with this message. */
  problem?: string
}

/**
 * Reads one cell's run: an event with the command, exit code, wall time and counts; a note for
 * each hidden module the suite never imported (the cell cannot differ from the baseline) or that
 * is not installed at all (neither can the baseline exercise it); and a problem when the command
 * could not run, wrote no usable report, or ran without the hiding in effect.
 */
export function pythonCellReport(run: PythonCellRun): PythonCellReport {
  const module = run.hidden.length > 0 ? run.hidden.join(',') : null
  const cell = pythonCellName(module)
  const counts = { passed: 0, failed: 0, skipped: 0, collection_errors: 0 }
  for (const c of run.cases) {
    if (c.kind === 'collection') counts.collection_errors++
    else counts[c.state]++
  }
  const secs = (run.durationMs / 1000).toFixed(1)
  const parts = [
    `${counts.passed} passed`,
    `${counts.failed} failed`,
    `${counts.skipped} skipped`,
    ...(counts.collection_errors ? [`${counts.collection_errors} collection error(s)`] : []),
  ]
  const events: EventMeta[] = [
    {
      role: 'tool',
      level: 'info',
      message: `${cell}: ${run.command.join(' ')} → exit ${run.exitCode ?? 'none'} in ${secs} s: ${parts.join(', ')}`,
      data: {
        cell,
        hidden: run.hidden,
        argv: run.argv,
        cwd: run.cwd,
        exit_code: run.exitCode,
        duration_ms: run.durationMs,
        python: run.proof.python ?? null,
        ...counts,
      },
    },
  ]
  if (run.proof.purged.length > 0) {
    events.push({
      role: 'tool',
      level: 'info',
      message: `${cell}: ${run.proof.purged.join(', ')} had been imported at start-up (a .pth file) and was dropped from sys.modules`,
    })
  }
  if (run.problem) return { cell, events, problem: run.problem }
  if (module !== null && !run.proof.started) {
    return {
      cell,
      events,
      problem: `the hiding sitecustomize.py never ran, so ${module} was importable: the command's Python ignores PYTHONPATH (python -I, -E or -S) or did not get the environment (tox: passenv = PYTHONPATH CODEX_PYTHON_DRIFT_*)`,
    }
  }
  for (const name of run.hidden) {
    const refused = run.proof.refused[name] ?? 0
    if (refused === 0) {
      events.push({
        role: 'tool',
        level: 'info',
        message: `${cell}: nothing imported ${name}, so this cell ran like ${pythonCellName(null)}`,
      })
    } else if (run.proof.present[name] === false) {
      events.push({
        role: 'tool',
        level: 'warn',
        message: `${cell}: ${name} is not installed here, so ${pythonCellName(null)} cannot exercise it either (${refused} import(s) refused); install it to compare both states`,
      })
    }
  }
  return { cell, events }
}
