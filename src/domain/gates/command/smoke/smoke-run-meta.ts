import { randomUUID } from 'node:crypto'
import type { TrainingRunMeta } from '../../../../ledger/ledger-meta.ts'
import type { MetricPoint } from './read-metrics.ts'

export interface SmokeRunInput {
  gate: string
  argv: readonly string[]
  device: 'cpu' | 'gpu'
  passed: boolean
  startedAt: Date
  endedAt: Date
  points: readonly MetricPoint[]
}

/**
 * A smoke run as ledger rows: one `training_runs` row (backend `command`, the gate and command in
 * `config_json`) and a `metrics` row per point, with the train CLI's convention: NaN as value NULL
 * and is_nan 1, infinities kept as REAL.
 */
export function smokeRunMeta(input: SmokeRunInput): TrainingRunMeta {
  const id = randomUUID()
  return {
    run: {
      id,
      config_json: JSON.stringify({ gate: input.gate, run: input.argv }),
      backend: 'command',
      device: input.device,
      seed: null,
      status: input.passed ? 'completed' : 'failed',
      out_dir: null,
      started_at: input.startedAt.toISOString(),
      ended_at: input.endedAt.toISOString(),
    },
    metrics: input.points.map((p) => {
      const nan = Number.isNaN(p.value)
      return { run_id: id, step: p.step, name: p.name, value: nan ? null : p.value, is_nan: nan ? 1 : 0, ts: p.ts }
    }),
  }
}
