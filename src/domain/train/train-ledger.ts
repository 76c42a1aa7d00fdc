import type { Ledger } from '../../ledger/ledger.ts'
import { newRecordId } from '../../ledger/record-id.ts'
import type { LedgerRecord, LedgerRow, SessionStatus } from '../../ledger/records.ts'
import type { TrainConfig } from './config/train-config.ts'
import { sizeOf } from './ir/shape.ts'
import type { MetricRecord } from './metrics-log.ts'
import type { TrainProgram } from './train-step-graph.ts'

/** Status of a `training_runs` row; `aborted` is set by the ledger's reaper (the process was killed). */
export type RunStatus = 'running' | 'completed' | 'stopped' | 'interrupted' | 'failed' | 'aborted'

/**
 * A metric as the ledger stores it (MLflow's convention): NaN → value NULL with is_nan = 1;
 * ±Infinity stays a REAL (SQLite keeps infinities).
 */
export function metricRow(runId: string, record: MetricRecord): LedgerRow {
  const nan = Number.isNaN(record.value)
  return {
    run_id: runId,
    step: record.step,
    name: record.name,
    value: nan ? null : record.value,
    is_nan: nan ? 1 : 0,
    ts: record.ts,
  }
}

/**
 * The `training_runs` columns that say what a run started from and what it trained: init
 * source and registry name (NULL for a fresh init), LoRA settings as JSON (NULL for full
 * training), trainable and total parameters (trainable = the adapters on a LoRA run).
 */
export function provenanceColumns(
  config: Pick<TrainConfig, 'init_from' | 'lora'>,
  program: Pick<TrainProgram, 'params' | 'frozen'>,
  registryName?: string,
): LedgerRow {
  const count = (specs: readonly { shape: readonly number[] }[]) => specs.reduce((n, s) => n + sizeOf(s.shape), 0)
  const trainable = count(program.params)
  return {
    init_from: config.init_from || null,
    registry_name: registryName ?? null,
    adapter_json: config.lora ? JSON.stringify(config.lora) : null,
    trainable_params: trainable,
    total_params: trainable + count(program.frozen),
  }
}

/** `metricRow` wrapped as ledger records. */
export function metricRecords(runId: string, records: readonly MetricRecord[]): LedgerRecord[] {
  return records.map((r) => ({ rid: newRecordId(), table: 'metrics', row: metricRow(runId, r) }))
}

/** The session status a finished run maps to. */
export function sessionStatusOf(status: RunStatus): SessionStatus {
  if (status === 'completed' || status === 'stopped') return 'passed'
  if (status === 'interrupted') return 'interrupted'
  if (status === 'running') return 'running'
  if (status === 'aborted') return 'aborted'
  return 'failed'
}

/**
 * The train CLI's ledger writer. Ledger trouble (locked, read-only, corrupt) never stops a
 * run: the first failure is reported once and the run continues with metrics.ndjson only.
 */
export class TrainLedger {
  readonly ledger: Ledger | undefined
  private failed = false
  private readonly warn: (message: string) => void

  constructor(ledger: Ledger | undefined, warn: (message: string) => void) {
    this.ledger = ledger
    this.warn = warn
  }

  write(records: readonly LedgerRecord[]): void {
    if (!this.ledger || this.failed || records.length === 0) return
    try {
      this.ledger.write(records)
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('BUG:')) throw error
      this.failed = true
      this.warn(
        `ledger write failed, continuing without it (metrics.ndjson has everything): ${(error as Error).message}`,
      )
    }
  }

  row(table: LedgerRecord['table'], row: LedgerRow): void {
    this.write([{ rid: newRecordId(), table, row }])
  }

  event(sessionId: string, level: 'info' | 'warn' | 'error', message: string, data?: unknown): void {
    this.row('events', {
      session_id: sessionId,
      ts: new Date().toISOString(),
      role: 'system',
      level,
      message,
      data_json: data === undefined ? null : JSON.stringify(data),
    })
  }

  close(): void {
    this.ledger?.close()
  }
}
