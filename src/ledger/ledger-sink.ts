import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { userCommand } from '../foundation/cli/user-command.ts'
import { errorMessage, isUserError } from '../foundation/errors/user-error.ts'
import { appendJsonLines } from '../foundation/redact/append-json-lines.ts'
import type { Ledger } from './ledger.ts'
import { ledgerError } from './ledger-error.ts'
import { lastResortFallbackPath } from './ledger-path.ts'
import { openLedger } from './open-ledger.ts'
import type { LedgerRecord } from './records.ts'

/**
 * Where the reporter's records go: the SQLite ledger while it works, else the NDJSON fallback
 * beside it, else (that folder unwritable or full) a last-resort file in the OS temp folder.
 * `npm run ledger -- import` finds both and replays them exactly once. Never throws; says once,
 * on the first record it diverts, why and exactly which file to import.
 */
export class LedgerSink {
  readonly ledgerPath: string
  private fallbackPath: string
  #lastResortPath: string | undefined
  private ledger: Ledger | null = null
  /** Why the ledger is unusable; null while it works. */
  private reason: string | null = null
  private warned = false
  /** The fallback file that already holds this session's preamble. */
  private startedIn: string | null = null
  private readonly warn: (line: string) => void
  /** The session's first records (its start row): repeated first in every fallback file it uses. */
  private preamble: LedgerRecord[] = []
  /**
   * This session's records that reached the ledger. When the ledger fails mid-session they are
   * written to the fallback too: a ledger that broke (truncated, corrupt) may not keep them, and
   * importing them again where it did is a no-op (ids are unique).
   */
  private journal: LedgerRecord[] = []

  constructor(ledgerPath: string, fallbackPath: string, warn: (line: string) => void) {
    this.ledgerPath = ledgerPath
    this.fallbackPath = fallbackPath
    this.warn = warn
    try {
      this.ledger = openLedger(ledgerPath)
    } catch (error) {
      this.degrade(`cannot open ledger ${ledgerPath}: ${describe(error)}`)
    }
  }

  /**
   * The ledger connection records go through, for reads in the same process (a second, read-only
   * open would cost another ~3 ms); undefined once degraded or never opened. Closed by `close`.
   */
  get connection(): Ledger | undefined {
    return this.reason === null ? (this.ledger ?? undefined) : undefined
  }

  /** True once records are going to the NDJSON fallback. */
  get isDegraded(): boolean {
    return this.reason !== null
  }

  /** Made when first needed (the ledger failed): hashing the ledger's path loads node:crypto. */
  private get lastResortPath(): string {
    this.#lastResortPath ??= lastResortFallbackPath(this.ledgerPath)
    return this.#lastResortPath
  }

  get activeFallbackPath(): string {
    return this.fallbackPath
  }

  /** Starts a session: `records` (its start row) precede anything it writes to a fallback. */
  setPreamble(records: LedgerRecord[]): void {
    this.preamble = records
    this.journal = []
    this.startedIn = null
  }

  write(records: readonly LedgerRecord[]): void {
    if (records.length === 0) return
    if (this.ledger && this.reason === null) {
      try {
        this.ledger.write(records)
        this.journal.push(...records)
        return
      } catch (error) {
        this.degrade(`cannot write ledger ${this.ledgerPath}: ${describe(ledgerError(error, this.ledgerPath))}`)
        const replay = [...this.preamble, ...this.journal]
        this.journal = []
        this.appendFallback(replay, records)
        return
      }
    }
    this.appendFallback([], records)
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
    this.reason = reason
    this.close()
  }

  /**
   * Appends `replay` (records the ledger took before it failed) and `records` to the fallback,
   * after the session's preamble unless that file has it already; where the fallback cannot be
   * written, all of it to the last resort.
   */
  private appendFallback(replay: readonly LedgerRecord[], records: readonly LedgerRecord[]): void {
    const lead = this.startedIn === this.fallbackPath ? [] : this.preamble
    try {
      mkdirSync(dirname(this.fallbackPath), { recursive: true })
      appendJsonLines(this.fallbackPath, unique([...lead, ...replay, ...records]))
      this.startedIn = this.fallbackPath
      this.announce(this.fallbackPath)
      return
    } catch (error) {
      const failed = `${this.fallbackPath} cannot be written either (${errorMessage(error)})`
      if (this.fallbackPath === this.lastResortPath) {
        this.warn(`codex-gates: ledger unavailable (${this.reason}); ${failed}; these records are lost`)
        return
      }
      this.fallbackPath = this.lastResortPath
      try {
        appendJsonLines(this.lastResortPath, unique([...this.preamble, ...replay, ...records]))
        this.startedIn = this.lastResortPath
        this.announce(this.lastResortPath, failed)
      } catch (lastError) {
        this.warn(
          `codex-gates: ledger unavailable (${this.reason}); ${failed}, nor ${this.lastResortPath} (${errorMessage(lastError)}); these records are lost`,
        )
      }
    }
  }

  /** The one warning: why, where the records are, and the import that brings them back. */
  private announce(file: string, detour?: string): void {
    if (this.warned && !detour) return
    this.warned = true
    const via = detour ? `${detour}; ` : ''
    const command = userCommand(file === this.lastResortPath ? `ledger import ${file}` : 'ledger import')
    this.warn(
      `codex-gates: ledger unavailable (${this.reason}); ${via}recording to ${file} — run \`${command}\` once it is fixed`,
    )
  }
}

// --- internal ---

/** The error's message, with the fix where it carries one (a UserError's hint). */
function describe(error: unknown): string {
  return isUserError(error) && error.hint ? `${error.message}; fix: ${error.hint}` : errorMessage(error)
}

/** Records without repeats (by rid), first occurrence kept. */
function unique(records: readonly LedgerRecord[]): LedgerRecord[] {
  const seen = new Set<string>()
  const out: LedgerRecord[] = []
  for (const r of records) {
    if (seen.has(r.rid)) continue
    seen.add(r.rid)
    out.push(r)
  }
  return out
}
