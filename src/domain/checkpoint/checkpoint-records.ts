import { randomUUID } from 'node:crypto'
import type { LedgerRecord } from '../../ledger/records.ts'

export type CheckpointStatus = 'writing' | 'committed' | 'deleted'

/** A `checkpoints` row: one per status change (writing → committed → deleted). NaN metrics are stored as NULL. */
export function checkpointRecord(
  runId: string,
  step: number,
  path: string,
  sha256: string | null,
  metric: number | undefined,
  status: CheckpointStatus,
): LedgerRecord {
  return {
    rid: randomUUID(),
    table: 'checkpoints',
    row: {
      run_id: runId,
      step,
      path,
      sha256,
      metric: metric === undefined || Number.isNaN(metric) ? null : metric,
      kept: status === 'deleted' ? 0 : 1,
      status,
      created_at: new Date().toISOString(),
    },
  }
}

/** A system `events` row (skipped checkpoints, accepted config changes). */
export function eventRecord(sessionId: string, level: 'info' | 'warn', message: string, data: unknown): LedgerRecord {
  return {
    rid: randomUUID(),
    table: 'events',
    row: {
      session_id: sessionId,
      ts: new Date().toISOString(),
      role: 'system',
      level,
      message,
      data_json: JSON.stringify(data),
    },
  }
}
