import { randomUUID } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadTrainConfig } from '../../../src/domain/train/config/load-train-config.ts'
import type { BackendName } from '../../../src/domain/train/executor.ts'
import type { MetricRecord } from '../../../src/domain/train/metrics-log.ts'
import { type TrainResult, train } from '../../../src/domain/train/train.ts'
import { metricRow } from '../../../src/domain/train/train-ledger.ts'
import type { TrainingRunMeta } from '../../../src/ledger/ledger-meta.ts'

/** The smoke model: configs/train/gpt-tiny.json, trained by the real loop. */
export const SMOKE_CONFIG = 'configs/train/gpt-tiny.json'

/**
 * Trains gpt-tiny on `backend` (no checkpoints, no system metrics) into a temp folder and
 * returns the result with the rows the ledger reporter writes for it (`training_runs` + `metrics`).
 */
export async function smokeTrain(backend: BackendName): Promise<{ result: TrainResult; meta: TrainingRunMeta }> {
  const { config, hash } = loadTrainConfig(SMOKE_CONFIG, [], { backend, system_metrics: 'off' })
  const outDir = mkdtempSync(join(tmpdir(), `smoke-${backend}-`))
  const metrics: MetricRecord[] = []
  const startedAt = new Date().toISOString()
  const result = await train({ config, outDir, onMetrics: (records) => metrics.push(...records) })
  const id = randomUUID()
  return {
    result,
    meta: {
      run: {
        id,
        config_json: JSON.stringify(config),
        config_hash: hash,
        backend: result.backend,
        device: result.device,
        seed: config.seed,
        status: result.status,
        out_dir: outDir,
        started_at: startedAt,
        ended_at: new Date().toISOString(),
      },
      metrics: metrics.map((m) => metricRow(id, m)),
    },
  }
}

/** Largest per-step |a − b| / |b| over the first `steps` train losses (all when absent). */
export function lossDrift(a: TrainResult, b: TrainResult, steps = b.steps.length): number {
  let worst = 0
  for (let i = 0; i < Math.min(steps, a.steps.length, b.steps.length); i++) {
    const ref = (b.steps[i] as { loss: number }).loss
    worst = Math.max(worst, Math.abs((a.steps[i] as { loss: number }).loss - ref) / Math.abs(ref))
  }
  return worst
}
