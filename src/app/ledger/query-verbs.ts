import { PYTHON_CELL_PREFIX } from '../../domain/drift/drift-cells.ts'
import { driftMatrix } from '../../domain/drift/drift-matrix.ts'
import { pythonDriftMatrix } from '../../domain/drift/python-drift-matrix.ts'
import { durationFlag } from '../../foundation/cli/flag-values.ts'
import { formatTable, type TableRow } from '../../foundation/cli/format-table.ts'
import type { Io } from '../../foundation/cli/io.ts'
import {
  listFailures,
  listFlaky,
  listQuestions,
  listSessions,
  projectTestStates,
  resolveSessionId,
  showSession,
} from '../../ledger/queries.ts'
import { HOST_OPTION, JSON_OPTION, ledgerVerb, print, printJson, printRows } from './ledger-verb.ts'

export const sessionsVerb = ledgerVerb({
  name: 'sessions',
  summary: 'list recent sessions',
  options: {
    limit: { type: 'integer', default: 20, description: 'how many sessions, newest first' },
    kind: { type: 'string', valueName: 'kind', description: 'only this kind (vitest, pre-commit, train, …)' },
    ...JSON_OPTION,
  },
  examples: ['--limit 5', '--kind pre-commit --json'],
  run: (ledger, { options, io }) => {
    const rows = listSessions(ledger(), { limit: options.limit, kind: options.kind })
    return printRows(io, options.json, rows, (s) => ({
      id: s.id.slice(0, 8),
      kind: s.kind,
      status: s.status,
      started: s.started_at.replace('T', ' ').slice(0, 19),
      secs: s.duration_ms === null ? null : Math.round(s.duration_ms / 100) / 10,
      tests: s.tests_total,
      passed: s.tests_passed,
      failed: s.tests_failed,
      skipped: s.tests_skipped,
      sha: s.git_sha?.slice(0, 8) ?? null,
    }))
  },
})

export const showVerb = ledgerVerb({
  name: 'show',
  summary: 'one session: projects (drift matrix), failures, gates, findings, coverage',
  options: JSON_OPTION,
  positionals: [{ name: 'session', description: 'an id, an id prefix, or latest (default)' }],
  examples: ['latest', '3f2a --json'],
  run: (ledger, { options, positionals, io }) => {
    const db = ledger()
    const id = resolveSessionId(db, positionals[0] ?? 'latest')
    const detail = showSession(db, id)
    const python = pythonDriftMatrix(projectTestStates(db, id, PYTHON_CELL_PREFIX))
    if (options.json) return printJson(io, { ...detail, pythonDrift: python })
    const s = detail.session
    io.stdout(
      `session ${s.id}  ${s.kind}  ${s.status}  ${s.started_at}  git ${String(s.git_sha ?? '-').slice(0, 8)} ${s.git_branch ?? ''}${s.git_dirty ? ' (dirty)' : ''}\n`,
    )
    section(io, 'projects', detail.projects)
    section(io, 'drift matrix (each cell: the suite without one optional dependency)', driftMatrix(detail.projects))
    if (python.cells.length > 1) {
      const same = `${python.agreeing} test${python.agreeing === 1 ? '' : 's'} with the same outcome in every cell`
      if (python.rows.length === 0) io.stdout(`\npython drift by test: ${same}\n`)
      else
        section(io, `python drift by test (tests whose outcome differs between cells; ${same} not shown)`, python.rows)
    }
    section(io, 'gates', detail.gates as TableRow[])
    section(io, 'coverage', detail.coverage as TableRow[])
    section(
      io,
      'failures',
      detail.failures.map((f) => ({ ...f, error: firstLine(f.error) })),
    )
    section(io, 'expected failures (test.fails: passed means it failed as expected)', detail.expectedFailures)
    section(io, 'findings', detail.findings as TableRow[])
    section(io, 'warnings and tool events', detail.events as TableRow[])
    return 0
  },
})

export const failuresVerb = ledgerVerb({
  name: 'failures',
  summary: 'failed tests across recent sessions',
  options: {
    since: { type: 'string', default: '7d', valueName: 'duration', description: 'how far back: 30m, 12h, 7d, 2w' },
    ...HOST_OPTION,
    ...JSON_OPTION,
  },
  run: (ledger, { options, io }) => {
    const rows = listFailures(ledger(), durationFlag(options.since, '--since'), Date.now(), options.host)
    return printRows(io, options.json, rows, (r) => ({
      when: r.started_at.slice(0, 19),
      session: r.session_id.slice(0, 8),
      host: r.host,
      project: r.project,
      test: `${r.file} > ${r.name}`,
      error: firstLine(r.error),
    }))
  },
})

export const flakyVerb = ledgerVerb({
  name: 'flaky',
  summary: 'tests whose outcome changed on the same git sha',
  options: {
    window: { type: 'integer', default: 20, description: 'how many recent sessions to compare' },
    ...HOST_OPTION,
    ...JSON_OPTION,
  },
  run: (ledger, { options, io }) => {
    const rows = listFlaky(ledger(), options.window, options.host)
    return printRows(io, options.json, rows, (r) => ({ ...r, git_sha: r.git_sha?.slice(0, 8) ?? null }))
  },
})

export const questionsVerb = ledgerVerb({
  name: 'questions',
  summary: 'the error-capture questions',
  options: {
    limit: { type: 'integer', default: 50, description: 'how many, newest first' },
    ...JSON_OPTION,
  },
  run: (ledger, { options, io }) => {
    const rows = listQuestions(ledger(), options.limit)
    if (options.json)
      return printJson(
        io,
        rows.map((r) => ({ ...r, data: r.data_json ? JSON.parse(r.data_json) : null, data_json: undefined })),
      )
    for (const r of rows) io.stdout(`[${r.ts.slice(0, 19)} ${r.session_id.slice(0, 8)}] ${r.message}\n`)
    if (rows.length === 0) print(io, '(none)')
    return 0
  },
})

// --- internal ---

function section(io: Io, title: string, rows: TableRow[]): void {
  if (rows.length === 0) return
  io.stdout(`\n${title}\n${formatTable(rows)}\n`)
}

function firstLine(text: string | null): string | null {
  return text === null ? null : (text.split('\n')[0] ?? '')
}
