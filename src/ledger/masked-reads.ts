import { secretEnvValues } from '../foundation/redact/env-secrets.ts'
import { maskText } from '../foundation/redact/mask-value.ts'
import type { LedgerReads } from './ledger.ts'

const MASKED = Symbol('masked reads')

/** A ledger read through `maskedReads`: its rows come back masked. */
export interface MaskedReads extends LedgerReads {
  readonly [MASKED]: readonly string[]
}

/**
 * A read view of `ledger` whose rows come back with every string masked (`maskText`). What the
 * reports read through: the ledger is masked on the way in, but a file written before that, or
 * imported from elsewhere, is masked here before anything is rendered. Wrapping twice is a no-op.
 */
export function maskedReads(ledger: LedgerReads, secrets: readonly string[] = secretEnvValues()): MaskedReads {
  if (MASKED in ledger) return ledger as MaskedReads
  const maskRow = <T>(row: T): T => {
    if (!row || typeof row !== 'object') return row
    const out: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(row))
      out[key] = typeof value === 'string' ? maskText(value, secrets) : value
    return out as T
  }
  return {
    [MASKED]: secrets,
    all: <T>(sql: string, ...params: unknown[]) => ledger.all<T>(sql, ...params).map(maskRow),
    get: <T>(sql: string, ...params: unknown[]) => maskRow(ledger.get<T>(sql, ...params)) as T | undefined,
  }
}

/** The secrets a masked view masks with. */
export function secretsOf(reads: MaskedReads): readonly string[] {
  return reads[MASKED]
}
