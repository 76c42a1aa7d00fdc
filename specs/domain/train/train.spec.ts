import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { configHash } from '../../../src/domain/train/config/train-config.ts'
import { loadTextData } from '../../../src/domain/train/text-data.ts'
import { train } from '../../../src/domain/train/train.ts'
import type { TrainState } from '../../../src/domain/train/train-state.ts'
import { tempDir } from '../../support/temp-dir.ts'
import { tinyConfig } from './support/tiny-config.ts'

const data = loadTextData('configs/corpus/fables.txt', 0.1, 16)
const dir = tempDir('train-loop-')

function bytesOf(state: TrainState): Buffer {
  return Buffer.concat(
    Object.keys(state.params)
      .sort()
      .flatMap((k) => [state.params[k], state.optimizer.m[k], state.optimizer.v[k]])
      .map((t) => Buffer.from((t as { data: Float32Array }).data.buffer)),
  )
}

/** A checkpointer that keeps what it was given. */
function recorder() {
  const saves: { step: number; metrics: Record<string, number>; state: TrainState }[] = []
  return {
    saves,
    save: (state: TrainState, metrics: Record<string, number>) => void saves.push({ step: state.step, metrics, state }),
  }
}

describe('train()', () => {
  test('two runs with the same seed give the same bits; another seed does not', async () => {
    const config = tinyConfig()
    const a = await train({ config, data, outDir: join(dir, 'a') })
    const b = await train({ config, data, outDir: join(dir, 'b') })
    const c = await train({ config: { ...config, seed: 7 }, data, outDir: join(dir, 'c') })
    expect(a.status).toBe('completed')
    expect(a.steps).toHaveLength(8)
    expect(bytesOf(a.state).equals(bytesOf(b.state))).toBe(true)
    expect(bytesOf(a.state).equals(bytesOf(c.state))).toBe(false)
    expect(a.evals.map((e) => e.step)).toEqual([0, 4, 8])
    expect(a.state.optimizer.step).toBe(8)
    expect(a.state.tiedParams).toEqual({ 'lm_head.weight': 'transformer.wte.weight' })
  })

  test('stopping at --max-steps and resuming from the state ends bit-identical to a straight run', async () => {
    const config = tinyConfig({ max_iters: 10, eval_interval: 3, gradient_accumulation_steps: 2, dropout: 0.1 })
    const straight = await train({ config, data, outDir: join(dir, 'straight') })
    const first = recorder()
    const head = await train({ config, data, outDir: join(dir, 'head'), maxSteps: 4, checkpointer: first })
    expect(head.status).toBe('stopped')
    expect(first.saves.map((s) => s.step)).toEqual([4])
    const resumed = await train({ config, data, outDir: join(dir, 'tail'), initialState: first.saves[0]?.state })
    expect(resumed.status).toBe('completed')
    expect(bytesOf(resumed.state).equals(bytesOf(straight.state))).toBe(true)
    expect(resumed.state.dataCursor).toEqual(straight.state.dataCursor)
    expect(resumed.state.rng).toEqual(straight.state.rng)
    expect(resumed.evals.at(-1)).toEqual(straight.evals.at(-1))
    expect(resumed.steps.map((s) => s.loss)).toEqual(straight.steps.slice(4).map((s) => s.loss))
  })

  test('checkpoints every checkpoint_every steps and at the end, with the latest eval metrics', async () => {
    const saves = recorder()
    await train({
      config: tinyConfig({ max_iters: 7, checkpoint_every: 3 }),
      data,
      outDir: join(dir, 'ck'),
      checkpointer: saves,
    })
    expect(saves.saves.map((s) => s.step)).toEqual([3, 6, 7])
    expect(Object.keys(saves.saves[0]?.metrics ?? {})).toEqual([
      'val/loss',
      'val/perplexity',
      'val/accuracy',
      'train/loss',
      'step',
    ])
  })

  test('an abort finishes the current step, saves, and reports interrupted', async () => {
    const controller = new AbortController()
    const saves = recorder()
    const result = await train({
      config: tinyConfig({ max_iters: 50 }),
      data,
      outDir: join(dir, 'abort'),
      checkpointer: saves,
      signal: controller.signal,
      onMetrics: (records) => {
        if (records.some((r) => r.name === 'train/loss' && r.step === 2)) controller.abort()
      },
    })
    expect(result.status).toBe('interrupted')
    expect(saves.saves.map((s) => s.step)).toEqual([2])
  })

  test('metrics.ndjson gets one line per step and per eval, flushed as they happen', async () => {
    const out = join(dir, 'metrics')
    await train({ config: tinyConfig({ max_iters: 4 }), data, outDir: out })
    const lines = readFileSync(join(out, 'metrics.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines.map((l) => l.step)).toEqual([0, 1, 2, 3, 4, 4])
    expect(Object.keys(lines[1])).toEqual([
      'step',
      'ts',
      'train/loss',
      'train/lr',
      'train/grad_norm',
      'train/tokens_per_s',
    ])
    expect(lines[0]['val/perplexity']).toBeCloseTo(Math.exp(lines[0]['val/loss']), 10)
  })

  test('a state from another config is refused unless the change is allowed', async () => {
    const saves = recorder()
    await train({ config: tinyConfig({ max_iters: 2 }), data, outDir: join(dir, 'cfg'), checkpointer: saves })
    const state = saves.saves[0]?.state as TrainState
    const changed = tinyConfig({ max_iters: 4, learning_rate: 2e-2 })
    expect(configHash(changed)).not.toBe(state.configHash)
    await expect(train({ config: changed, data, outDir: join(dir, 'cfg2'), initialState: state })).rejects.toThrow(
      'the state to resume was trained with config hash',
    )
    const allowed = await train({
      config: changed,
      data,
      outDir: join(dir, 'cfg3'),
      initialState: state,
      allowConfigChange: true,
    })
    expect(allowed.state.step).toBe(4)
  })
})
