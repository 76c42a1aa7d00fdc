import { createWriteStream, existsSync, type WriteStream } from 'node:fs'
import { hostname } from 'node:os'
import { listUngated } from '../adapters/hooks/ungated.ts'
import { PYTHON_CELL_PREFIX } from '../domain/drift/drift-cells.ts'
import { driftMatrix } from '../domain/drift/drift-matrix.ts'
import { pythonDriftMatrix } from '../domain/drift/python-drift-matrix.ts'
import { formatTable, type TableRow } from '../foundation/cli/format-table.ts'
import { nearest } from '../foundation/cli/nearest.ts'
import { durationFlag, intFlag, type OptionSpec, parseArgs } from '../foundation/cli/parse-args.ts'
import { userCommand } from '../foundation/cli/user-command.ts'
import { UserError } from '../foundation/errors/user-error.ts'
import { isWritable } from '../foundation/fs/is-writable.ts'
import { exportCsv, exportRecords, importNdjson } from '../ledger/import-ndjson.ts'
import type { Ledger } from '../ledger/ledger.ts'
import { withLedgerErrors } from '../ledger/ledger-error.ts'
import { fallbackPaths, resolveLedgerPath } from '../ledger/ledger-path.ts'
import { SCHEMA_VERSION } from '../ledger/migrations.ts'
import { openLedger } from '../ledger/open-ledger.ts'
import {
  listFailures,
  listFlaky,
  listQuestions,
  listSessions,
  projectTestStates,
  resolveSessionId,
  showSession,
} from '../ledger/queries.ts'

/** Where a command writes; injectable so specs capture output without a child process. */
export interface Io {
  out: (text: string) => void
  /** Warnings (default stderr). */
  err?: (text: string) => void
}

interface LedgerCommand {
  summary: string
  usage: string
  options: OptionSpec
  /**
   * How the command opens the ledger. `read` (the default): read-only when the file is not
   * writable, so queries work on a ledger the user made read-only; `write`: a read-only ledger is
   * exit 2 with the chmod that fixes it. `reapAborted: false` leaves `running` sessions alone.
   */
  open?: { mode?: 'read' | 'write'; reapAborted?: boolean }
  run: (
    ledger: () => Ledger,
    args: { values: Record<string, unknown>; positionals: string[] },
    io: Io,
  ) => number | Promise<number>
}

const json = { type: 'boolean' } as const

/** The `npm run ledger -- <command>` commands: one entry each. */
export const LEDGER_COMMANDS: Record<string, LedgerCommand> = {
  sessions: {
    summary: 'list recent sessions',
    usage: 'sessions [--limit N] [--kind K] [--json]',
    options: { limit: { type: 'string' }, kind: { type: 'string' }, json },
    run: (ledger, { values }, io) => {
      const rows = listSessions(ledger(), {
        limit: intFlag(values.limit as string | undefined, '--limit', 20),
        kind: values.kind as string | undefined,
      })
      if (values.json) return printJson(io, rows)
      io.out(
        formatTable(
          rows.map((s) => ({
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
          })),
        ),
      )
      return 0
    },
  },
  show: {
    summary: 'one session: projects (drift matrix), failures, gates, findings, coverage',
    usage: 'show <id|prefix|latest> [--json]',
    options: { json },
    run: (ledger, { values, positionals }, io) => {
      const db = ledger()
      const id = resolveSessionId(db, positionals[0] ?? 'latest')
      const detail = showSession(db, id)
      const python = pythonDriftMatrix(projectTestStates(db, id, PYTHON_CELL_PREFIX))
      if (values.json) return printJson(io, { ...detail, pythonDrift: python })
      const s = detail.session
      io.out(
        `session ${s.id}  ${s.kind}  ${s.status}  ${s.started_at}  git ${String(s.git_sha ?? '-').slice(0, 8)} ${s.git_branch ?? ''}${s.git_dirty ? ' (dirty)' : ''}\n`,
      )
      section(io, 'projects', detail.projects)
      section(io, 'drift matrix (each cell: the suite without one optional dependency)', driftMatrix(detail.projects))
      if (python.cells.length > 1) {
        const same = `${python.agreeing} test${python.agreeing === 1 ? '' : 's'} with the same outcome in every cell`
        if (python.rows.length === 0) io.out(`\npython drift by test: ${same}\n`)
        else
          section(
            io,
            `python drift by test (tests whose outcome differs between cells; ${same} not shown)`,
            python.rows,
          )
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
  },
  failures: {
    summary: 'failed tests across recent sessions',
    usage: 'failures [--since 7d] [--host NAME] [--json]',
    options: { since: { type: 'string' }, host: { type: 'string' }, json },
    run: (ledger, { values }, io) => {
      const since = durationFlag((values.since as string | undefined) ?? '7d', '--since')
      const rows = listFailures(ledger(), since, Date.now(), values.host as string | undefined)
      if (values.json) return printJson(io, rows)
      io.out(
        formatTable(
          rows.map((r) => ({
            when: r.started_at.slice(0, 19),
            session: r.session_id.slice(0, 8),
            host: r.host,
            project: r.project,
            test: `${r.file} > ${r.name}`,
            error: firstLine(r.error),
          })),
        ),
      )
      return 0
    },
  },
  flaky: {
    summary: 'tests whose outcome changed on the same git sha',
    usage: 'flaky [--window N] [--host NAME] [--json]',
    options: { window: { type: 'string' }, host: { type: 'string' }, json },
    run: (ledger, { values }, io) => {
      const window = intFlag(values.window as string | undefined, '--window', 20)
      const rows = listFlaky(ledger(), window, values.host as string | undefined)
      if (values.json) return printJson(io, rows)
      io.out(formatTable(rows.map((r) => ({ ...r, git_sha: r.git_sha?.slice(0, 8) ?? null }))))
      return 0
    },
  },
  merge: {
    summary: 'merge other ledgers (other machines, shards) into one; a re-merge adds nothing',
    usage: 'merge A.db [B.db …] --into C.db [--json]',
    options: { into: { type: 'string' }, json },
    run: async (_ledger, { values, positionals }, io) =>
      (await import('./ledger-merge-command.ts')).ledgerMerge(positionals, values, io),
  },
  questions: {
    summary: 'the error-capture questions',
    usage: 'questions [--limit N] [--json]',
    options: { limit: { type: 'string' }, json },
    run: (ledger, { values }, io) => {
      const rows = listQuestions(ledger(), intFlag(values.limit as string | undefined, '--limit', 50))
      if (values.json)
        return printJson(
          io,
          rows.map((r) => ({ ...r, data: r.data_json ? JSON.parse(r.data_json) : null, data_json: undefined })),
        )
      for (const r of rows) io.out(`[${r.ts.slice(0, 19)} ${r.session_id.slice(0, 8)}] ${r.message}\n`)
      if (rows.length === 0) io.out('(none)')
      return 0
    },
  },
  export: {
    summary: 'dump the ledger as NDJSON records or one table as CSV',
    usage: 'export [--format ndjson|csv] [--table T] [--out FILE]',
    options: { format: { type: 'string' }, table: { type: 'string' }, out: { type: 'string' } },
    run: async (ledger, { values }, io) => {
      const format = (values.format as string | undefined) ?? 'ndjson'
      if (format !== 'ndjson' && format !== 'csv')
        throw new UserError(
          'BAD_FLAG',
          `--format must be ndjson or csv, got "${format}"`,
          'e.g. --format csv --table test_results',
        )
      const sink = values.out ? await openOutput(values.out as string) : null
      const write = (text: string) => (sink ? sink.write(text) : io.out(text))
      if (format === 'csv') write(exportCsv(ledger(), (values.table as string | undefined) ?? 'test_results'))
      else for (const record of exportRecords(ledger())) write(`${JSON.stringify(record)}\n`)
      if (sink)
        await new Promise<void>((resolve, reject) =>
          sink.end((error?: Error | null) => (error ? reject(error) : resolve())),
        )
      return 0
    },
  },
  import: {
    summary: 'ingest fallback or export files, exactly once (a second import adds nothing)',
    usage: 'import [FILE]   (default: every fallback this ledger may have: beside it, and in the OS temp folder)',
    options: { json },
    // Reaped after the import: a session whose end is in the fallback is not marked aborted first.
    open: { mode: 'write', reapAborted: false },
    run: (ledger, { values, positionals }, io) => {
      const db = ledger()
      const files = positionals[0] ? [positionals[0]] : fallbackPaths(db.path).filter((f) => existsSync(f))
      if (files.length === 0) {
        const looked = fallbackPaths(db.path).join(' or ')
        if (values.json) return printJson(io, { read: 0, imported: 0, files: [] })
        io.out(`nothing to import: no fallback at ${looked}`)
        return 0
      }
      const results = files.map((file) => ({ file, ...importNdjson(db, file) }))
      db.reapAborted(hostname(), process.pid)
      const read = results.reduce((n, r) => n + r.read, 0)
      const imported = results.reduce((n, r) => n + r.imported, 0)
      if (values.json) return printJson(io, { read, imported, files: results })
      const warn = io.err ?? ((t: string) => process.stderr.write(t))
      for (const r of results)
        for (const line of r.torn)
          warn(`${r.file}:${line}: skipped a record cut short (its writer stopped mid-line, or is still writing)\n`)
      io.out(
        results
          .map(
            (r) =>
              `imported ${r.imported} of ${r.read} records from ${r.file} (${r.read - r.imported} already present)${r.torn.length ? `; ${r.torn.length} torn line(s) skipped` : ''}`,
          )
          .join('\n'),
      )
      return 0
    },
  },
  migrate: {
    summary: 'create or upgrade the ledger schema',
    usage: 'migrate',
    options: {},
    open: { mode: 'write' },
    run: (ledger, _args, io) => {
      const db = ledger()
      io.out(`${db.path}: schema version ${db.pragma('user_version')} (code ${SCHEMA_VERSION})`)
      return 0
    },
  },
  vacuum: {
    summary: 'checkpoint the WAL and compact the file',
    usage: 'vacuum',
    options: {},
    open: { mode: 'write' },
    run: (ledger, _args, io) => {
      const db = ledger()
      db.vacuum()
      io.out(`vacuumed ${db.path}`)
      return 0
    },
  },
  ungated: {
    summary: 'commits on this branch without a passing gate session (--no-verify, HUSKY=0, before the hooks)',
    usage: 'ungated [--since REV] [--json]',
    options: { since: { type: 'string' }, json },
    run: async (ledger, { values }, io) => {
      const rows = await listUngated(ledger(), { cwd: process.cwd() }, values.since as string | undefined)
      if (values.json) return printJson(io, rows)
      io.out(
        formatTable(
          rows.map((c) => ({
            sha: c.sha.slice(0, 12),
            date: c.date.slice(0, 19),
            author: c.author,
            subject: c.subject.slice(0, 50),
            why: c.detail,
          })),
        ),
      )
      return 0
    },
  },
  path: {
    summary: 'print the ledger path',
    usage: 'path',
    options: {},
    run: (_ledger, _args, io) => {
      io.out(resolveLedgerPath())
      return 0
    },
  },
}

/** Runs `ledger <command> …`; returns the exit code. */
export async function ledgerCli(
  argv: string[],
  io: Io = { out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`) },
): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h') {
    io.out(helpText())
    return name ? 0 : 2
  }
  const command = LEDGER_COMMANDS[name]
  if (!command) {
    const close = nearest(name, Object.keys(LEDGER_COMMANDS))
    throw new UserError(
      'BAD_USAGE',
      `ledger: unknown command "${name}"`,
      `${close ? `did you mean ${close}? ` : ''}see \`${userCommand('ledger --help')}\``,
    )
  }
  const args = parseArgs(rest, command.options, userCommand(`ledger ${name}`))
  if (args.values.help) {
    io.out(`usage: ${userCommand(`ledger ${command.usage}`)}\n\n${command.summary}\n`)
    return 0
  }
  const path = resolveLedgerPath()
  let opened: Ledger | undefined
  const ledger = () => {
    opened ??= openFor(path, command.open ?? {})
    return opened
  }
  try {
    // A ledger that is a directory, garbage, truncated or read-only is exit 2 with the fix, at
    // open or at the first query that reaches a damaged page.
    return await withLedgerErrors(path, () =>
      command.run(ledger, args as { values: Record<string, unknown>; positionals: string[] }, io),
    )
  } finally {
    opened?.close()
  }
}

/** Opens the ledger for a command: read-only where the file is and the command only reads. */
function openFor(path: string, open: NonNullable<LedgerCommand['open']>): Ledger {
  const readonly = open.mode !== 'write' && path !== ':memory:' && existsSync(path) && !isWritable(path)
  return openLedger(path, { readonly, ...(open.reapAborted === false ? { reapAborted: false } : {}) })
}

function helpText(): string {
  const lines = Object.entries(LEDGER_COMMANDS).map(([, c]) => `  ${c.usage.padEnd(52)} ${c.summary}`)
  return `usage: ${userCommand('ledger <command> [options]')}\n\nThe session ledger (${resolveLedgerPath()}; CODEX_LEDGER overrides).\n\ncommands:\n${lines.join('\n')}\n\nEvery command takes --help; most take --json.\n`
}

/**
 * Opens `--out` before anything is exported, so an unwritable path is a usage error (exit 2)
 * instead of an unhandled stream 'error' event that kills the process with a stack.
 */
async function openOutput(path: string): Promise<WriteStream> {
  const stream = createWriteStream(path)
  try {
    await new Promise((resolve, reject) => {
      stream.once('open', resolve)
      stream.once('error', reject)
    })
  } catch (error) {
    throw new UserError(
      'BAD_FLAG',
      `--out ${path} cannot be written: ${(error as Error).message}`,
      'pass a file in an existing, writable folder',
    )
  }
  // A later write error (disk full) still reaches the caller through end()'s callback.
  stream.on('error', () => {})
  return stream
}

function printJson(io: Io, value: unknown): number {
  io.out(`${JSON.stringify(value, null, 2)}\n`)
  return 0
}

function section(io: Io, title: string, rows: TableRow[]): void {
  if (rows.length === 0) return
  io.out(`\n${title}\n${formatTable(rows)}\n`)
}

function firstLine(text: string | null): string | null {
  return text === null ? null : (text.split('\n')[0] ?? '')
}
