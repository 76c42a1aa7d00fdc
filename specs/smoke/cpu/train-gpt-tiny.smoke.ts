// The smoke model end to end on the ts executor: configs/train/gpt-tiny.json on the shipped
// corpus, twice with the same seed. Stated margins: the first step's loss is within 0.15 nats of
// ln(vocab) (a uniform guess), the mean of the last 10 steps is at least 1.0 nat lower, and the
// final eval perplexity is under half the initial one.
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { loadTrainConfig } from '../../../src/domain/train/config/load-train-config.ts'
import type { MetricRecord } from '../../../src/domain/train/metrics-log.ts'
import { loadTextData } from '../../../src/domain/train/text-data.ts'
import { type TrainResult, train } from '../../../src/domain/train/train.ts'
import { metricRow, TrainLedger } from '../../../src/domain/train/train-ledger.ts'
import { recordToLedger, type TrainingRunMeta } from '../../../src/ledger/ledger-meta.ts'
import { openLedger } from '../../../src/ledger/open-ledger.ts'

const LOSS_START_TOLERANCE = 0.15 // nats from ln(vocab)
const LOSS_DROP = 1.0 // nats, first step → mean of the last 10
const tmp = mkdtempSync(join(tmpdir(), 'smoke-cpu-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const loaded = loadTrainConfig('configs/train/gpt-tiny.json', [], { system_metrics: 'off' })
const data = loadTextData(loaded.config.dataset, loaded.config.val_fraction, loaded.config.block_size)

async function run(name: string): Promise<{ result: TrainResult; meta: TrainingRunMeta; weights: string }> {
  const records: MetricRecord[] = []
  const startedAt = new Date().toISOString()
  const result = await train({
    config: loaded.config,
    data,
    outDir: join(tmp, name),
    onMetrics: (r) => records.push(...r),
  })
  const hash = createHash('sha256')
  for (const key of Object.keys(result.state.params).sort()) {
    hash.update(key)
    hash.update(result.state.params[key]?.data as Float32Array)
  }
  const id = `smoke-cpu-${name}-${startedAt}`
  const meta: TrainingRunMeta = {
    run: {
      id,
      config_json: JSON.stringify(loaded.config),
      config_hash: loaded.hash,
      backend: result.backend,
      device: result.device,
      seed: loaded.config.seed,
      status: result.status,
      out_dir: join(tmp, name),
      started_at: startedAt,
      ended_at: new Date().toISOString(),
    },
    metrics: records.map((r) => metricRow(id, r)),
  }
  return { result, meta, weights: hash.digest('hex') }
}

describe('smoke-cpu: gpt-tiny on the ts executor', () => {
  test('the loss falls from ≈ln(vocab), eval perplexity falls, the same seed gives bit-identical weights, the run is in the ledger', async ({
    task,
  }) => {
    const first = await run('a')
    const second = await run('b')
    recordToLedger(task, { trainingRuns: [first.meta, second.meta] })

    const { steps, evals } = first.result
    expect(first.result.status).toBe('completed')
    expect(steps).toHaveLength(loaded.config.max_iters)
    const start = steps[0]?.loss as number
    expect(Math.abs(start - Math.log(data.tokenizer.vocabSize))).toBeLessThan(LOSS_START_TOLERANCE)
    const end = steps.slice(-10).reduce((s, r) => s + r.loss, 0) / 10
    expect(end).toBeLessThan(start - LOSS_DROP)
    expect(evals.at(-1)?.perplexity).toBeLessThan((evals[0]?.perplexity as number) / 2)
    expect(first.weights).toBe(second.weights)

    // The same rows, written to a ledger of our own, are all there.
    const ledgerPath = join(tmp, 'ledger.db')
    const ledger = openLedger(ledgerPath)
    try {
      const tl = new TrainLedger(ledger, (m) => {
        throw new Error(m)
      })
      tl.row('training_runs', { ...first.meta.run, session_id: 'smoke-cpu' })
      tl.write((first.meta.metrics ?? []).map((row, i) => ({ rid: `m${i}`, table: 'metrics' as const, row })))
      expect(ledger.get('SELECT status, backend FROM training_runs WHERE id = ?', first.meta.run.id)).toEqual({
        status: 'completed',
        backend: 'ts',
      })
      const count = ledger.get<{ n: number }>(
        "SELECT COUNT(*) AS n FROM metrics WHERE run_id = ? AND name = 'train/loss'",
        first.meta.run.id,
      )
      expect(count?.n).toBe(loaded.config.max_iters)
      const last = ledger.get<{ value: number }>(
        "SELECT value FROM metrics WHERE run_id = ? AND name = 'val/perplexity' ORDER BY step DESC LIMIT 1",
        first.meta.run.id,
      )
      expect(last?.value).toBe(evals.at(-1)?.perplexity)
    } finally {
      ledger.close()
    }
  })
})
