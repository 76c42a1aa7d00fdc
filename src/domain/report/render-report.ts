import { existsSync } from 'node:fs'
import { UserError } from '../../foundation/errors/user-error.ts'
import type { Ledger, LedgerReads } from '../../ledger/ledger.ts'
import { sidecarPaths } from '../../ledger/ledger-path.ts'
import { maskedReads } from '../../ledger/masked-reads.ts'
import { openLedger } from '../../ledger/open-ledger.ts'
import { resolveSessionId } from '../../ledger/queries.ts'
import { buildSummary } from './build-summary.ts'
import { renderHtml } from './render-html.ts'
import { renderMarkdown } from './render-markdown.ts'
import { resolveHistoryKeep } from './report-config.ts'
import { latestSession, type SessionRow, sessionById } from './report-context.ts'
import type { ReportSummary } from './report-summary.ts'
import { type WrittenReports, writeReports } from './write-reports.ts'

/** Where reports go by default, relative to the working directory. */
export const DEFAULT_REPORTS_DIR = 'reports'

export interface RenderReportOptions {
  ledgerPath: string
  /** A session id, a unique id prefix, or `latest` (default). */
  session?: string
  /** Default `reports`. */
  reportsDir?: string
  /** Renders kept in history; default from `resolveHistoryKeep`. */
  keep?: number
  envSecrets?: readonly string[]
  /** false: written without fsync (see writeReports); default true. */
  durable?: boolean
  /**
   * An open connection to `ledgerPath` to read through (the run that just wrote the session:
   * one open instead of two); left open. Default: a read-only one, opened and closed here.
   */
  connection?: Ledger
}

export interface RenderedReport {
  session: string | null
  summary: ReportSummary
  written: WrittenReports
}

/** Renders one session (default the latest) into `<reportsDir>/latest/{index.html,summary.md,summary.json}`. */
export function renderReport(options: RenderReportOptions): RenderedReport {
  const keep = resolveHistoryKeep(options.keep)
  const ledger = options.connection ?? openReadonly(options.ledgerPath)
  try {
    const reads = maskedReads(ledger, options.envSecrets)
    const session = pickSession(ledger, reads, options.session)
    const summary = buildSummary(reads, session, {
      errorsPath: sidecarPaths(options.ledgerPath).errors,
      ...(options.envSecrets ? { envSecrets: options.envSecrets } : {}),
    })
    const files = {
      'index.html': renderHtml(summary),
      'summary.md': renderMarkdown(summary),
      'summary.json': `${JSON.stringify(summary, null, 2)}\n`,
    }
    const written = writeReports(options.reportsDir ?? DEFAULT_REPORTS_DIR, session?.id ?? null, files, keep, {
      durable: options.durable ?? true,
    })
    return { session: session?.id ?? null, summary, written }
  } finally {
    if (ledger !== options.connection) ledger.close()
  }
}

/** Opens an existing ledger read-only; a missing file is the user's to fix. */
export function openReadonly(ledgerPath: string): Ledger {
  if (ledgerPath !== ':memory:' && !existsSync(ledgerPath)) {
    throw new UserError(
      'NO_LEDGER',
      `no ledger at ${ledgerPath}`,
      'run `npm test` or `npm run gates` first (or point CODEX_LEDGER at a ledger file)',
    )
  }
  return openLedger(ledgerPath, { readonly: true })
}

/** The session to render, read masked; its id resolved on the ledger itself. */
function pickSession(ledger: Ledger, reads: LedgerReads, ref: string | undefined): SessionRow | undefined {
  if (ref === undefined || ref === 'latest') return latestSession(reads)
  return sessionById(reads, resolveSessionId(ledger, ref))
}
