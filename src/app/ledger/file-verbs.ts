import { createWriteStream, existsSync, type WriteStream } from 'node:fs'
import { hostname } from 'node:os'
import { listUngated } from '../../adapters/hooks/ungated.ts'
import { UserError } from '../../foundation/errors/user-error.ts'
import { exportCsv, exportRecords, importNdjson } from '../../ledger/import-ndjson.ts'
import { fallbackPaths, resolveLedgerPath } from '../../ledger/ledger-path.ts'
import { SCHEMA_VERSION } from '../../ledger/migrations.ts'
import { JSON_OPTION, ledgerVerb, print, printJson, printRows } from './ledger-verb.ts'

export const exportVerb = ledgerVerb({
  name: 'export',
  summary: 'dump the ledger as NDJSON records or one table as CSV',
  options: {
    format: { type: 'string', default: 'ndjson', choices: ['ndjson', 'csv'], description: 'records or one table' },
    table: { type: 'string', default: 'test_results', valueName: 'table', description: 'the table --format csv dumps' },
    out: { type: 'string', valueName: 'file', description: 'write there instead of stdout' },
  },
  examples: ['--out ledger.ndjson', '--format csv --table test_results'],
  run: async (ledger, { options, io }) => {
    const sink = options.out ? await openOutput(options.out) : null
    const write = (text: string) => (sink ? sink.write(text) : io.stdout(text))
    if (options.format === 'csv') write(exportCsv(ledger(), options.table))
    else for (const record of exportRecords(ledger())) write(`${JSON.stringify(record)}\n`)
    if (sink)
      await new Promise<void>((resolve, reject) =>
        sink.end((error?: Error | null) => (error ? reject(error) : resolve())),
      )
    return 0
  },
})

export const importVerb = ledgerVerb({
  name: 'import',
  summary: 'ingest fallback or export files, exactly once (a second import adds nothing)',
  options: JSON_OPTION,
  positionals: [
    {
      name: 'file',
      description: 'default: every fallback this ledger may have (beside it, and in the OS temp folder)',
    },
  ],
  // Reaped after the import: a session whose end is in the fallback is not marked aborted first.
  open: { mode: 'write', reapAborted: false },
  run: (ledger, { options, positionals, io }) => {
    const db = ledger()
    const files = positionals[0] ? [positionals[0]] : fallbackPaths(db.path).filter((f) => existsSync(f))
    if (files.length === 0) {
      if (options.json) return printJson(io, { read: 0, imported: 0, files: [] })
      print(io, `nothing to import: no fallback at ${fallbackPaths(db.path).join(' or ')}`)
      return 0
    }
    const results = files.map((file) => ({ file, ...importNdjson(db, file) }))
    db.reapAborted(hostname(), process.pid)
    const read = results.reduce((n, r) => n + r.read, 0)
    const imported = results.reduce((n, r) => n + r.imported, 0)
    if (options.json) return printJson(io, { read, imported, files: results })
    for (const r of results)
      for (const line of r.torn)
        io.stderr(`${r.file}:${line}: skipped a record cut short (its writer stopped mid-line, or is still writing)\n`)
    print(
      io,
      results
        .map(
          (r) =>
            `imported ${r.imported} of ${r.read} records from ${r.file} (${r.read - r.imported} already present)${r.torn.length ? `; ${r.torn.length} torn line(s) skipped` : ''}`,
        )
        .join('\n'),
    )
    return 0
  },
})

export const migrateVerb = ledgerVerb({
  name: 'migrate',
  summary: 'create or upgrade the ledger schema',
  open: { mode: 'write' },
  run: (ledger, { io }) => {
    const db = ledger()
    print(io, `${db.path}: schema version ${db.pragma('user_version')} (code ${SCHEMA_VERSION})`)
    return 0
  },
})

export const vacuumVerb = ledgerVerb({
  name: 'vacuum',
  summary: 'checkpoint the WAL and compact the file',
  open: { mode: 'write' },
  run: (ledger, { io }) => {
    const db = ledger()
    db.vacuum()
    print(io, `vacuumed ${db.path}`)
    return 0
  },
})

export const ungatedVerb = ledgerVerb({
  name: 'ungated',
  summary: 'commits on this branch without a passing gate session (--no-verify, HUSKY=0, before the hooks)',
  options: {
    since: { type: 'string', valueName: 'rev', description: 'only commits after this revision' },
    ...JSON_OPTION,
  },
  run: async (ledger, { options, io }) => {
    const rows = await listUngated(ledger(), { cwd: io.cwd }, options.since)
    return printRows(io, options.json, rows, (c) => ({
      sha: c.sha.slice(0, 12),
      date: c.date.slice(0, 19),
      author: c.author,
      subject: c.subject.slice(0, 50),
      why: c.detail,
    }))
  },
})

export const pathVerb = ledgerVerb({
  name: 'path',
  summary: 'print the ledger path',
  run: (_ledger, { io }) => {
    print(io, resolveLedgerPath(undefined, io.env))
    return 0
  },
})

// --- internal ---

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
