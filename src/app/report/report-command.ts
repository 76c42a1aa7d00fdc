import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { periodicSummary } from '../../domain/report/periodic-summary.ts'
import { renderPeriodic } from '../../domain/report/render-periodic.ts'
import { DEFAULT_REPORTS_DIR, openReadonly, renderReport } from '../../domain/report/render-report.ts'
import { defineCommand } from '../../foundation/cli/define-command.ts'
import { durationFlag } from '../../foundation/cli/flag-values.ts'
import type { Io } from '../../foundation/cli/io.ts'
import { UserError } from '../../foundation/errors/user-error.ts'
import { writeFileAtomic } from '../../foundation/fs/write-file-atomic.ts'
import { withLedgerErrorsSync } from '../../ledger/ledger-error.ts'
import { resolveLedgerPath } from '../../ledger/ledger-path.ts'

const OPTIONS = {
  session: {
    type: 'string',
    valueName: 'ID',
    description: 'render this session instead of the latest (full id, unique prefix, or "latest")',
  },
  since: {
    type: 'string',
    valueName: 'WINDOW',
    description:
      'the periodic summary over sessions started in the last WINDOW (7d, 12h, 2w): sessions, pass rate, ' +
      'mean time per project, findings opened/resolved, coverage change, slowest-growing tests; printed ' +
      'and written to reports/periodic/since-<WINDOW>.{md,json}',
  },
  keep: {
    type: 'integer',
    valueName: 'N',
    description:
      'renders kept in reports/history/ (default: CODEX_REPORTS_KEEP, then codex-gates.json ' +
      '"reports": { "historyKeep" }, then configs/reports.json, else 20)',
  },
  out: { type: 'string', valueName: 'DIR', description: `reports folder (default ${DEFAULT_REPORTS_DIR})` },
  ledger: {
    type: 'string',
    valueName: 'PATH',
    description: 'ledger file (default CODEX_LEDGER or .codex/session_logs.db)',
  },
} as const

type ReportOptions = { session?: string; since?: string; keep?: number; out?: string; ledger?: string }

/** `npm run report` at a given clock: the dashboard, or with `--since` the periodic summary. */
export function reportCommandAt(now: () => number) {
  return defineCommand({
    name: 'npm run report --',
    summary: 'render reports from the session ledger',
    description: [
      'With no flags: the latest session into reports/latest/{index.html,summary.md,summary.json};',
      'the previous render moves to reports/history/<session-id>/.',
    ].join('\n'),
    options: OPTIONS,
    examples: ['', '--session 3f2a', '--since 7d'],
    run: ({ options, io }) => report(options, io, now),
  })
}

/** `npm run report`. */
export const reportCli = reportCommandAt(Date.now)

function report(options: ReportOptions, io: Io, now: () => number): number {
  if (options.since !== undefined && options.session !== undefined) {
    throw new UserError(
      'BAD_FLAG',
      'npm run report: --since and --session cannot be combined',
      'use --session ID for one session, --since 7d for the periodic summary',
    )
  }
  const ledgerPath = resolveLedgerPath(options.ledger, io.env)
  // A ledger that is a directory, garbage, truncated or read-only: exit 2 naming it and the fix.
  return withLedgerErrorsSync(ledgerPath, () =>
    options.since !== undefined
      ? periodic(options.since, options, ledgerPath, io, now)
      : latest(options, ledgerPath, io),
  )
}

function periodic(since: string, options: ReportOptions, ledgerPath: string, io: Io, now: () => number): number {
  const windowMs = durationFlag(since, '--since')
  const ledger = openReadonly(ledgerPath)
  try {
    const summary = periodicSummary(ledger, windowMs, since, now())
    const markdown = renderPeriodic(summary)
    const dir = join(options.out ?? DEFAULT_REPORTS_DIR, 'periodic')
    mkdirSync(dir, { recursive: true })
    const base = join(dir, `since-${since.replace(/[^0-9a-z]/gi, '')}`)
    writeFileAtomic(`${base}.md`, markdown)
    writeFileAtomic(`${base}.json`, `${JSON.stringify(summary, null, 2)}\n`)
    io.stdout(`${markdown}\nwrote ${base}.md and ${base}.json\n`)
  } finally {
    ledger.close()
  }
  return 0
}

function latest(options: ReportOptions, ledgerPath: string, io: Io): number {
  const result = renderReport({
    ledgerPath,
    ...(options.session !== undefined ? { session: options.session } : {}),
    reportsDir: options.out ?? DEFAULT_REPORTS_DIR,
    ...(options.keep !== undefined ? { keep: options.keep } : {}),
  })
  const s = result.summary.session
  const what = s
    ? `session ${s.id.slice(0, 8)} (${s.kind}, ${s.status}, ${s.totals.passed} passed, ${s.totals.failed} failed)`
    : 'an empty ledger'
  io.stdout(`rendered ${what} into ${result.written.dir}/ (index.html, summary.md, summary.json)\n`)
  if (result.written.rotated) io.stdout(`previous render moved to ${result.written.rotated}/\n`)
  if (result.written.pruned.length) io.stdout(`removed ${result.written.pruned.length} old render(s) from history\n`)
  return 0
}
