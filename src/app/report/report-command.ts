import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { periodicSummary } from '../../domain/report/periodic-summary.ts'
import { renderPeriodic } from '../../domain/report/render-periodic.ts'
import { DEFAULT_REPORTS_DIR, openReadonly, renderReport } from '../../domain/report/render-report.ts'
import { durationFlag, intFlag, parseArgs } from '../../foundation/cli/parse-args.ts'
import { UserError } from '../../foundation/errors/user-error.ts'
import { writeFileAtomic } from '../../foundation/fs/write-file-atomic.ts'
import { withLedgerErrorsSync } from '../../ledger/ledger-error.ts'
import { resolveLedgerPath } from '../../ledger/ledger-path.ts'

export const REPORT_HELP = `usage: npm run report -- [--session ID] [--since 7d] [options]

Renders reports from the session ledger.

  (no flags)        render the latest session into reports/latest/{index.html,summary.md,summary.json};
                    the previous render moves to reports/history/<session-id>/
  --session ID      render this session instead (full id, unique prefix, or "latest")
  --since WINDOW    the periodic summary over sessions started in the last WINDOW (7d, 12h, 2w):
                    sessions, pass rate, mean time per project, findings opened/resolved,
                    coverage change, slowest-growing tests; printed and written to
                    reports/periodic/since-<WINDOW>.{md,json}
  --keep N          renders kept in reports/history/ (default: CODEX_REPORTS_KEEP, then
                    codex-gates.json "reports": { "historyKeep" }, then configs/reports.json, else 20)
  --out DIR         reports folder (default reports)
  --ledger PATH     ledger file (default CODEX_LEDGER or .codex/session_logs.db)
  -h, --help        this help
`

const OPTIONS = {
  session: { type: 'string' },
  since: { type: 'string' },
  keep: { type: 'string' },
  out: { type: 'string' },
  ledger: { type: 'string' },
} as const

/** `npm run report`: renders the dashboard, or with `--since` the periodic summary. */
export function reportCommand(argv: string[], now: () => number = Date.now): number {
  const { values, positionals } = parseArgs(argv, OPTIONS, 'npm run report --')
  if (values.help) {
    process.stdout.write(REPORT_HELP)
    return 0
  }
  if (positionals.length > 0) {
    throw new UserError(
      'BAD_USAGE',
      `npm run report: unexpected argument "${positionals[0]}"`,
      'pick a session with --session ID; see `npm run report -- --help`',
    )
  }
  if (values.since !== undefined && values.session !== undefined) {
    throw new UserError(
      'BAD_FLAG',
      'npm run report: --since and --session cannot be combined',
      'use --session ID for one session, --since 7d for the periodic summary',
    )
  }
  const ledgerPath = resolveLedgerPath(values.ledger)
  // A ledger that is a directory, garbage, truncated or read-only: exit 2 naming it and the fix.
  return withLedgerErrorsSync(ledgerPath, () => render(values, ledgerPath, now))
}

function render(
  values: { since?: string; session?: string; keep?: string; out?: string },
  ledgerPath: string,
  now: () => number,
): number {
  const reportsDir = values.out ?? DEFAULT_REPORTS_DIR

  if (values.since !== undefined) {
    const windowMs = durationFlag(values.since, '--since')
    const ledger = openReadonly(ledgerPath)
    try {
      const summary = periodicSummary(ledger, windowMs, values.since, now())
      const markdown = renderPeriodic(summary)
      const dir = join(reportsDir, 'periodic')
      mkdirSync(dir, { recursive: true })
      const base = join(dir, `since-${values.since.replace(/[^0-9a-z]/gi, '')}`)
      writeFileAtomic(`${base}.md`, markdown)
      writeFileAtomic(`${base}.json`, `${JSON.stringify(summary, null, 2)}\n`)
      process.stdout.write(`${markdown}\nwrote ${base}.md and ${base}.json\n`)
    } finally {
      ledger.close()
    }
    return 0
  }

  const keep = values.keep === undefined ? undefined : intFlag(values.keep, '--keep', 0)
  const result = renderReport({
    ledgerPath,
    ...(values.session !== undefined ? { session: values.session } : {}),
    reportsDir,
    ...(keep !== undefined ? { keep } : {}),
  })
  const s = result.summary.session
  const what = s
    ? `session ${s.id.slice(0, 8)} (${s.kind}, ${s.status}, ${s.totals.passed} passed, ${s.totals.failed} failed)`
    : 'an empty ledger'
  process.stdout.write(`rendered ${what} into ${result.written.dir}/ (index.html, summary.md, summary.json)\n`)
  if (result.written.rotated) process.stdout.write(`previous render moved to ${result.written.rotated}/\n`)
  if (result.written.pruned.length)
    process.stdout.write(`removed ${result.written.pruned.length} old render(s) from history\n`)
  return 0
}
