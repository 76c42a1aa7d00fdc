import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { errorMessage } from '../../foundation/errors/user-error.ts'
import type { Ledger } from '../../ledger/ledger.ts'
import { openLedger } from '../../ledger/open-ledger.ts'
import { renderReport } from './render-report.ts'

export interface RenderAfterRunOptions {
  ledgerPath: string
  sessionId: string
  /** Default `reports`, relative to the working directory. */
  reportsDir?: string
  /** Renders kept in history; default from `resolveHistoryKeep` (CODEX_REPORTS_KEEP, codex-gates.json, 20). */
  keep?: number
  /** The run's own open connection to the ledger, read through and left open (see renderReport). */
  connection?: Ledger
}

/**
 * Called by the ledger reporter after its write: renders `sessionId` into `reports/latest/`.
 * Never throws: a failure is returned (the reporter prints it once) and recorded as an error event
 * of the session when the ledger can take it.
 */
export function renderAfterRun(options: RenderAfterRunOptions): { ok: boolean; error?: string } {
  try {
    renderReport({
      ledgerPath: options.ledgerPath,
      session: options.sessionId,
      ...(options.reportsDir !== undefined ? { reportsDir: options.reportsDir } : {}),
      ...(options.keep !== undefined ? { keep: options.keep } : {}),
      ...(options.connection ? { connection: options.connection } : {}),
      // The ledger write before this is the durable record; this render is redone by the next run
      // or `codex-gates report`, so it is not fsynced (3 files and 2 folders: 10-40 ms of a warm run).
      durable: false,
    })
    return { ok: true }
  } catch (error) {
    const message = errorMessage(error) // masked by the ledger when recorded
    recordFailure(options, message)
    return { ok: false, error: message }
  }
}

function recordFailure(options: RenderAfterRunOptions, message: string): void {
  if (!existsSync(options.ledgerPath)) return // never create a ledger just to say it is missing
  try {
    const ledger = openLedger(options.ledgerPath, { reapAborted: false })
    try {
      ledger.write([
        {
          rid: randomUUID(),
          table: 'events',
          row: {
            session_id: options.sessionId,
            ts: new Date().toISOString(),
            role: 'system',
            level: 'error',
            message: `report render failed: ${message}`,
            data_json: JSON.stringify({ reportsDir: options.reportsDir ?? 'reports' }),
          },
        },
      ])
    } finally {
      ledger.close()
    }
  } catch {
    // The ledger itself is what failed: the returned error is the record the reporter prints.
  }
}
