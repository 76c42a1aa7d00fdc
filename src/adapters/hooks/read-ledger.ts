import { existsSync } from 'node:fs'
import type { Ledger } from '../../ledger/ledger.ts'
import { openLedger } from '../../ledger/open-ledger.ts'

/** A read-only handle on the ledger, or undefined when it is missing or unusable (callers then read the fallback). */
export function openForReading(path: string): Ledger | undefined {
  try {
    return existsSync(path) ? openLedger(path, { readonly: true }) : undefined
  } catch {
    return undefined
  }
}
