import type { Batch } from './batches.ts'
import type { HostTensor } from './executor.ts'
import type { LoopState } from './loop-state.ts'
import type { TrainRun } from './train-run.ts'
import { IO } from './train-step-graph.ts'

/** The step graph's inputs, allocated once and refilled in place every step. */
export interface StepFeeds {
  /** By input name, as `session.run` takes them; the arrays below are their buffers. */
  readonly feeds: Record<string, HostTensor>
  /** Sequences per micro-batch (B). */
  readonly batchSize: number
  readonly lr: Float32Array
  /** AdamW's step count t (1-based). */
  readonly t: Float32Array
  /** One (B, T) batch per micro-step. */
  readonly micro: readonly Batch[]
  /** Every dropout mask with its probability, micro-step by micro-step, site by site (the order masks are drawn in). */
  readonly masks: readonly { data: Float32Array; p: number }[]
}

/** Buffers for every input of the step graph: LR, t, and per micro-step tokens, targets, dropout masks. */
export function allocateFeeds(run: TrainRun): StepFeeds {
  const B = run.config.batch_size
  const T = run.config.block_size
  const lr = new Float32Array(1)
  const t = new Float32Array(1)
  const feeds: Record<string, HostTensor> = {
    [IO.lr]: { shape: [], dtype: 'float32', data: lr },
    [IO.step]: { shape: [], dtype: 'float32', data: t },
  }
  const micro: Batch[] = []
  const masks: { data: Float32Array; p: number }[] = []
  for (let i = 0; i < run.config.gradient_accumulation_steps; i++) {
    const batch = { x: new Int32Array(B * T), y: new Int32Array(B * T) }
    micro.push(batch)
    feeds[IO.tokens(i)] = { shape: [B, T], dtype: 'int32', data: batch.x }
    feeds[IO.targets(i)] = { shape: [B, T], dtype: 'int32', data: batch.y }
    for (const site of run.built.dropout) {
      const data = new Float32Array(site.shape.reduce((a, d) => a * d, 1))
      masks.push({ data, p: site.p })
      feeds[IO.dropout(i, site.site)] = { shape: site.shape, dtype: 'float32', data }
    }
  }
  return { feeds, batchSize: B, lr, t, micro, masks }
}

/**
 * Refills the feeds for the next step: B windows per micro-step from the sampler, fresh
 * inverted-dropout masks (0 or 1/(1−p), p per site: the model's dropout or lora_dropout) from
 * the dropout PRNG, the LR and t. Draw order is part of the checkpoint contract: micro-step by
 * micro-step, site by site.
 */
export function fillFeeds(f: StepFeeds, s: LoopState): void {
  for (const batch of f.micro) s.sampler.next(f.batchSize, batch)
  for (const { data, p } of f.masks) {
    const scale = 1 / (1 - p)
    for (let j = 0; j < data.length; j++) data[j] = s.dropoutRng.nextFloat() < p ? 0 : scale
  }
  f.lr[0] = s.lr
  f.t[0] = s.optimizerStep + 1
}
