import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync } from 'node:fs'
import { dirname, isAbsolute, join, relative } from 'node:path'
import type { Vitest } from 'vitest/node'
import { loadCoverageConfig } from '../../domain/coverage/coverage-config.ts'
import { COVERAGE_GATE, evaluateCoverageGate } from '../../domain/coverage/coverage-gate.ts'
import { bestRecorded } from '../../domain/coverage/coverage-history.ts'
import {
  type CoverageMapLike,
  type FileSummary,
  fileSummaries,
  fromJsonSummary,
  type JsonSummary,
  toJsonSummary,
} from '../../domain/coverage/coverage-rows.ts'
import { formatFinding } from '../../domain/gates/finding.ts'
import { errorMessage, isUserError } from '../../foundation/errors/user-error.ts'
import { writeFileAtomic } from '../../foundation/fs/write-file-atomic.ts'
import { envValue } from '../../foundation/settings/env-value.ts'
import { setting } from '../../foundation/settings/settings.ts'
import { type ErrorBlock, errorBlock } from '../../ledger/error-capture.ts'
import type { Ledger } from '../../ledger/ledger.ts'
import { openLedger } from '../../ledger/open-ledger.ts'
import type { LedgerRow, LedgerTable } from '../../ledger/records.ts'
import { disableThresholds, partialRunReason } from './full-run.ts'
import { UNAVAILABLE_PROVIDER_MODULE, unavailableMessage } from './unavailable-provider.ts'

export interface CoverageRecord {
  table: LedgerTable
  row: LedgerRow
}

export interface CoverageOutcome {
  records: CoverageRecord[]
  errorBlocks: ErrorBlock[]
  /** Lines for stderr. */
  messages: string[]
  /** The gate failed: the run must exit 1. */
  failed: boolean
}

export interface FinishInput {
  vitest: Vitest | undefined
  sessionId: string
  /** The session row (for `git_branch`). */
  sessionRow: LedgerRow | undefined
  /** The ledger to read history from; null when the reporter writes to the NDJSON fallback. */
  ledgerPath: string | null
  testsFailed: boolean
}

/**
 * The ledger reporter's coverage part: `onCoverage` keeps the map (and turns thresholds off for
 * a partial run); `finish` in `onTestRunEnd` turns it into `coverage` rows, an archived
 * json-summary, and the `coverage` gate with thresholds and the ratchet. Never throws.
 */
export class CoverageRecorder {
  private map: CoverageMapLike | undefined
  private partial: string | null = null

  /** Never throws: a failure only leaves the run counted as full. */
  async onCoverage(vitest: Vitest | undefined, map: unknown): Promise<void> {
    this.map = map as CoverageMapLike
    this.partial = null
    if (!vitest) return
    try {
      this.partial = await partialRunReason(vitest)
      if (this.partial) disableThresholds(vitest)
    } catch (error) {
      process.stderr.write(`codex-gates: cannot tell whether this run is partial: ${errorMessage(error)}\n`)
    }
  }

  finish(input: FinishInput): CoverageOutcome {
    const started = performance.now()
    const out: CoverageOutcome = { records: [], errorBlocks: [], messages: [], failed: false }
    const map = this.map
    const partial = this.partial
    this.map = undefined
    this.partial = null
    const coverage = input.vitest?.config.coverage
    if (!input.vitest || !coverage?.enabled) return out
    const gate = (status: string, reason: string, findings = 0) =>
      out.records.push(
        this.row('gate_runs', input, {
          gate: COVERAGE_GATE,
          status,
          duration_ms: Math.round(performance.now() - started),
          findings_count: findings,
          reason,
        }),
      )
    try {
      if (coverage.provider === 'custom' && coverage.customProviderModule === UNAVAILABLE_PROVIDER_MODULE) {
        const message = unavailableMessage()
        out.records.push(this.event(input, 'warn', message))
        gate('skipped', message)
        return out
      }
      if (!map) {
        gate('skipped', 'no coverage was collected (the run was interrupted or ran no test file)')
        return out
      }
      if (partial) {
        gate('skipped', `partial run (${partial}): thresholds and the ratchet apply to full runs only`)
        return out
      }
      this.evaluate(input, map, out, gate)
    } catch (error) {
      const bad = isUserError(error)
      out.failed = bad
      out.messages.push(`codex-gates: coverage gate ${bad ? 'failed' : 'could not run'}: ${errorMessage(error)}`)
      gate(bad ? 'failed' : 'skipped', `${bad ? '' : 'BUG: '}${errorMessage(error)}`)
    }
    return out
  }

  private evaluate(
    input: FinishInput,
    map: CoverageMapLike,
    out: CoverageOutcome,
    gate: (s: string, r: string, n?: number) => void,
  ): void {
    const vitest = input.vitest as Vitest
    const root = vitest.config.root
    const config = loadCoverageConfig(root)
    const files = fileSummaries(map, root)
    const archive = archiveSummary(root, input.sessionId, files)
    const gitBranch = typeof input.sessionRow?.git_branch === 'string' ? input.sessionRow.git_branch : null
    const ledger = openHistory(input.ledgerPath)
    try {
      const result = evaluateCoverageGate({
        sessionId: input.sessionId,
        gitBranch,
        config,
        files,
        reportPath: archive?.path ?? null,
        testsFailed: input.testsFailed,
        history:
          typeof ledger === 'string'
            ? ledger
            : (scope) => bestRecorded(ledger, { scope, gitBranch, since: config.ratchet.resetAt }),
        readArchive: (path) => readArchive(root, path),
      })
      for (const row of result.rows) out.records.push({ table: 'coverage', row })
      if (archive) {
        const { path, sha256, bytes } = archive
        out.records.push(
          this.row('artifacts', input, {
            kind: 'coverage-summary',
            path,
            sha256,
            bytes,
            created_at: new Date().toISOString(),
          }),
        )
      }
      for (const f of result.findings) {
        const { remediation, ...finding } = f
        out.records.push(this.row('findings', input, { ...finding, remediation }))
        out.messages.push(`codex-gates: ${formatFinding(f)}`)
        out.errorBlocks.push(
          errorBlock(
            input.sessionId,
            `the coverage gate (${f.rule}) of a full run`,
            f.message,
            `configs/coverage.json thresholds and ratchet (tolerance ${config.ratchet.tolerancePoints} points) on ${gitBranch ?? 'a detached HEAD'}; fix: ${remediation}`,
          ),
        )
      }
      out.failed = result.status === 'failed'
      gate(result.status, result.reason, result.findings.length)
    } finally {
      if (typeof ledger !== 'string') ledger.close()
    }
  }

  private row(table: LedgerTable, input: FinishInput, row: LedgerRow): CoverageRecord {
    return { table, row: { session_id: input.sessionId, ...row } }
  }

  private event(input: FinishInput, level: string, message: string): CoverageRecord {
    return this.row('events', input, {
      ts: new Date().toISOString(),
      role: 'system',
      level,
      message,
      data_json: JSON.stringify({ gate: COVERAGE_GATE }),
    })
  }
}

// --- internal ---

interface Archive {
  path: string
  sha256: string
  bytes: number
}

/** Writes `<reports>/coverage/<session>/coverage-summary.json`; skipped inside specs unless they name a reports dir. */
function archiveSummary(root: string, sessionId: string, files: readonly FileSummary[]): Archive | null {
  const reportsDir = envValue('CODEX_REPORTS_DIR')
  if (!reportsDir && setting('CODEX_LEDGER_SPEC_GUARD') === true) return null
  const file = join(reportsDir ?? join(root, 'reports'), 'coverage', sessionId, 'coverage-summary.json')
  const text = `${JSON.stringify(toJsonSummary(files))}\n`
  mkdirSync(dirname(file), { recursive: true })
  writeFileAtomic(file, text)
  const rel = relative(root, file)
  return {
    path: rel.startsWith('..') || isAbsolute(rel) ? file : rel,
    sha256: createHash('sha256').update(text).digest('hex'),
    bytes: Buffer.byteLength(text),
  }
}

function readArchive(root: string, path: string): FileSummary[] | null {
  try {
    const json = JSON.parse(readFileSync(isAbsolute(path) ? path : join(root, path), 'utf8')) as JsonSummary
    return fromJsonSummary(json, root)
  } catch {
    return null // gone or unreadable: the finding says so
  }
}

function openHistory(ledgerPath: string | null): Ledger | string {
  if (!ledgerPath) return 'the ledger is unavailable this run (records go to the NDJSON fallback)'
  try {
    return openLedger(ledgerPath, { readonly: true, reapAborted: false })
  } catch (error) {
    return `cannot read the ledger's history: ${errorMessage(error)}`
  }
}
