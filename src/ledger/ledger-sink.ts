import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { errorMessage } from '../foundation/errors/user-error.ts'
import { appendJsonLines } from '../foundation/redact/append-json-lines.ts'
import type { Ledger } from './ledger.ts'
import { openLedger } from './open-ledger.ts'
import type { LedgerRecord } from './records.ts'

/**
 * Where the reporter's records go: the SQLite ledger while it works, else the NDJSON fallback
 * (`npm run ledger -- import` replays it later, exactly once). Never throws.
 */
export class LedgerSink {
  readonly ledgerPath: string
  private fallbackPath: string
  private ledger: Ledger | null = null
  private degraded = false
  private readonly warn: (line: string) => void
  /** Records that must precede anything written to the fallback (the session's start row). */
  private preamble: LedgerRecord[] = []

  constructor(ledgerPath: string, fallbackPath: string, warn: (line: string) => void) {
    this.ledgerPath = ledgerPath
    this.fallbackPath = fallbackPath
    this.warn = warn
    try {
      this.ledger = openLedger(ledgerPath)
    } catch (error) {
      this.degrade(`cannot open ledger ${ledgerPath}: ${errorMessage(error)}`)
    }
  }

  /** True once records are going to the NDJSON fallback. */
  get isDegraded(): boolean {
    return this.degraded
  }

  get activeFallbackPath(): string {
    return this.fallbackPath
  }

  /** Remembers records (e.g. the session row) to repeat first if the sink degrades later. */
  setPreamble(records: LedgerRecord[]): void {
    this.preamble = records
  }

  write(records: readonly LedgerRecord[]): void {
    if (records.length === 0) return
    if (this.ledger && !this.degraded) {
      try {
        this.ledger.write(records)
        return
      } catch (error) {
        this.degrade(`cannot write ledger ${this.ledgerPath}: ${errorMessage(error)}`)
        this.appendFallback(this.preamble)
      }
    }
    this.appendFallback(records)
  }

  close(): void {
    try {
      this.ledger?.close()
    } catch {
      // closing a broken handle must not fail the run
    }
    this.ledger = null
  }

  private degrade(reason: string): void {
    this.degraded = true
    this.close()
    this.warn(
      `codex-gates: ledger unavailable (${reason}); recording to ${this.fallbackPath} — run \`npm run ledger -- import\` once it is fixed`,
    )
  }

  private appendFallback(records: readonly LedgerRecord[]): void {
    if (records.length === 0) return
    try {
      appendJsonLines(this.fallbackPath, records) // masked as the ledger would mask them
    } catch (error) {
      const last = join(tmpdir(), `codex-ledger-fallback-${process.getuid?.() ?? 'user'}.ndjson`)
      if (last === this.fallbackPath) {
        this.warn(`codex-gates: cannot write ${last} either (${errorMessage(error)}); this run's records are lost`)
        return
      }
      this.warn(`codex-gates: cannot write ${this.fallbackPath} (${errorMessage(error)}); recording to ${last}`)
      this.fallbackPath = last
      this.appendFallback([...this.preamble, ...records])
    }
  }
}
