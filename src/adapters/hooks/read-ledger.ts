import { existsSync } from 'node:fs'
import type { Ledger } from '../../ledger/ledger.ts'
import { openLedger } from '../../ledger/open-ledger.ts'
import type { HookSession } from './hook-session.ts'

/** A read-only handle on the ledger, or undefined when it is missing or unusable (callers then read the fallback). */
export function openForReading(path: string): Ledger | undefined {
  try {
    return existsSync(path) ? openLedger(path, { readonly: true }) : undefined
  } catch {
    return undefined
  }
}

/**
 * Runs `read` on the ledger of a started `session`: through the session's own connection while it
 * works (one open per hook instead of two), else a read-only handle (a ledger this process may not
 * write can still be read), else undefined (then callers read the fallback).
 */
export function readSessionLedger<T>(session: HookSession, read: (ledger: Ledger | undefined) => T): T {
  const own = session.connection
  const ledger = own ?? openForReading(session.ledgerPath)
  try {
    return read(ledger)
  } finally {
    if (ledger !== own) ledger?.close()
  }
}
