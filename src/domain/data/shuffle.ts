import { createHash } from 'node:crypto'
import { Prng } from '../../foundation/random/prng.ts'
import type { DataCursor } from './data-cursor.ts'

/** Recorded in manifests and cursors: how a permutation was produced. */
export const SHUFFLE_ALGORITHM = 'fisher-yates/xoshiro128**/splitmix32'

/**
 * A seeded permutation of 0..n-1: Durstenfeld's Fisher–Yates, swapping i with `nextInt(i + 1)`
 * for i = n-1..1, from `Prng.fromSeed(seed)`. Integer math only: same (n, seed) → same order on
 * every machine.
 */
export function permutation(n: number, seed: number): Uint32Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff)
    throw new RangeError(`permutation: n must be in 0..2^32-1, got ${n}`)
  const out = new Uint32Array(n)
  for (let i = 0; i < n; i++) out[i] = i
  const rng = Prng.fromSeed(seed)
  for (let i = n - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1)
    const t = out[i] as number
    out[i] = out[j] as number
    out[j] = t
  }
  return out
}

/** sha256 over the permutation as little-endian uint32: what a cursor stores to detect a changed dataset. */
export function permutationSha256(perm: Uint32Array): string {
  const bytes = new Uint8Array(perm.length * 4)
  const view = new DataView(bytes.buffer)
  for (let i = 0; i < perm.length; i++) view.setUint32(i * 4, perm[i] as number, true)
  return createHash('sha256').update(bytes).digest('hex')
}

/** The seed of epoch `epoch`'s permutation: a splitmix32 mix of (seed, epoch), so epochs differ. */
export function epochSeed(seed: number, epoch: number): number {
  let z = (seed >>> 0) ^ Math.imul(epoch + 1, 0x9e3779b9)
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
  return (z ^ (z >>> 16)) >>> 0
}

/**
 * Walks 0..n-1 in a fresh seeded order each epoch. Its position is a `DataCursor`
 * (`permutation_seed` = the base seed, `permutation_sha256` = this epoch's order); `resume`
 * rebuilds the order and jumps straight to the position, with no batch-by-batch skipping.
 */
export class EpochSampler {
  readonly n: number
  readonly seed: number
  private epochIndex: number
  private pos: number
  private order: Uint32Array
  private orderSha: string

  private constructor(n: number, seed: number, epoch: number, position: number) {
    if (n <= 0) throw new RangeError(`EpochSampler: n must be positive, got ${n}`)
    this.n = n
    this.seed = seed >>> 0
    this.epochIndex = epoch
    this.pos = position
    this.order = permutation(n, epochSeed(this.seed, epoch))
    this.orderSha = permutationSha256(this.order)
  }

  /** A sampler at the start of epoch 0. */
  static create(n: number, seed: number): EpochSampler {
    return new EpochSampler(n, seed, 0, 0)
  }

  /** Continues from `cursor`; throws when the dataset size or seed no longer reproduces its order. */
  static resume(n: number, cursor: DataCursor): EpochSampler {
    if (!Number.isInteger(cursor.position) || cursor.position < 0 || cursor.position > n) {
      throw new RangeError(`EpochSampler.resume: position ${cursor.position} is outside 0..${n}`)
    }
    const sampler = new EpochSampler(n, cursor.permutation_seed, cursor.epoch, cursor.position)
    if (sampler.orderSha !== cursor.permutation_sha256) {
      throw new Error(
        `EpochSampler.resume: epoch ${cursor.epoch} order over ${n} records has sha256 ${sampler.orderSha.slice(0, 12)}…, cursor expects ${cursor.permutation_sha256.slice(0, 12)}…; the dataset or seed changed since the checkpoint`,
      )
    }
    return sampler
  }

  get epoch(): number {
    return this.epochIndex
  }

  get position(): number {
    return this.pos
  }

  /** The next record index; rolls into the next epoch's order at the end of this one. */
  next(): number {
    if (this.pos >= this.n) {
      this.epochIndex++
      this.pos = 0
      this.order = permutation(this.n, epochSeed(this.seed, this.epochIndex))
      this.orderSha = permutationSha256(this.order)
    }
    return this.order[this.pos++] as number
  }

  /** The next `k` indices (may span an epoch boundary). */
  take(k: number): number[] {
    const out: number[] = []
    for (let i = 0; i < k; i++) out.push(this.next())
    return out
  }

  /** Where the sampler stands, for a checkpoint. */
  cursor(): DataCursor {
    return {
      epoch: this.epochIndex,
      permutation_seed: this.seed,
      permutation_sha256: this.orderSha,
      position: this.pos,
    }
  }
}
