import { UserError } from '../../foundation/errors/user-error.ts'
import { EpochSampler } from '../data/shuffle.ts'
import type { DataCursor } from './train-state.ts'

/** One (B, T) batch: inputs and next-token targets, int32. */
export interface Batch {
  x: Int32Array
  y: Int32Array
}

/**
 * Training batches: every window start 0..n−T−1 once per epoch, in a seeded order per epoch
 * (src/domain/data's EpochSampler). Its position is a `DataCursor`, so a resumed run continues with
 * the very next window: O(1), nothing replayed.
 */
export class BatchSampler {
  private readonly tokens: Int32Array
  private readonly seq: number
  private readonly sampler: EpochSampler

  private constructor(tokens: Int32Array, seq: number, sampler: EpochSampler) {
    this.tokens = tokens
    this.seq = seq
    this.sampler = sampler
  }

  /** Number of windows (records) per epoch. */
  static windows(tokens: Int32Array, seq: number): number {
    return tokens.length - seq
  }

  static create(tokens: Int32Array, seq: number, seed: number): BatchSampler {
    return new BatchSampler(tokens, seq, EpochSampler.create(BatchSampler.windows(tokens, seq), seed))
  }

  /** Continues from `cursor`; a changed dataset or seed is a UserError (the order would differ). */
  static resume(tokens: Int32Array, seq: number, cursor: DataCursor): BatchSampler {
    try {
      return new BatchSampler(tokens, seq, EpochSampler.resume(BatchSampler.windows(tokens, seq), cursor))
    } catch (error) {
      throw new UserError(
        'RESUME_DATA_CHANGED',
        `cannot resume the data order: ${(error as Error).message}`,
        'resume with the dataset, block_size and seed the checkpoint was trained with',
      )
    }
  }

  /** Fills `into` (B·T each) with the next B windows. */
  next(batch: number, into: Batch): Batch {
    const T = this.seq
    for (let b = 0; b < batch; b++) {
      const start = this.sampler.next()
      into.x.set(this.tokens.subarray(start, start + T), b * T)
      into.y.set(this.tokens.subarray(start + 1, start + T + 1), b * T)
    }
    return into
  }

  cursor(): DataCursor {
    return this.sampler.cursor()
  }

  /** Epochs completed, fractional. */
  get epoch(): number {
    return this.sampler.epoch + this.sampler.position / this.sampler.n
  }
}

/**
 * The fixed eval set: non-overlapping windows at stride T from the start of `tokens`, grouped
 * into at most `iters` full batches of `batch`. The same every eval, and no PRNG is consumed.
 */
export function evalBatches(tokens: Int32Array, seq: number, batch: number, iters: number): Batch[] {
  const available = Math.floor((tokens.length - 1) / seq)
  const count = Math.min(iters, Math.floor(available / batch))
  if (count === 0) {
    throw new UserError(
      'DATA_TOO_SMALL',
      `the val split holds ${available} windows of block_size ${seq}, fewer than one eval batch of ${batch}`,
      'lower eval_batch_size (or batch_size), or raise val_fraction',
    )
  }
  const out: Batch[] = []
  for (let i = 0; i < count; i++) {
    const x = new Int32Array(batch * seq)
    const y = new Int32Array(batch * seq)
    for (let b = 0; b < batch; b++) {
      const start = (i * batch + b) * seq
      x.set(tokens.subarray(start, start + seq), b * seq)
      y.set(tokens.subarray(start + 1, start + seq + 1), b * seq)
    }
    out.push({ x, y })
  }
  return out
}
