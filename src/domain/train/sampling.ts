import type { Prng } from '../../foundation/random/prng.ts'

/** How the next token is chosen from a row of logits. */
export interface SamplingOptions {
  /** 0 → greedy (argmax); otherwise logits are divided by it before the softmax (default 1). */
  temperature?: number
  /** Keep only the k largest logits (ties with the k-th kept, as nanoGPT); default: all. */
  topK?: number
}

/**
 * The next token id from `logits` (one row, length V), nanoGPT's `generate` step: scale by
 * 1/temperature, crop to the top k, softmax, draw one sample with `rng`. Temperature 0 is
 * greedy: the first maximum, and `rng` is not touched. The draw sums probabilities in double in
 * index order, so a seed gives the same token on every machine for the same logits.
 */
export function sampleNext(logits: ArrayLike<number>, options: SamplingOptions, rng: Prng): number {
  const V = logits.length
  if (V === 0) throw new Error('sampleNext: empty logits')
  const temperature = options.temperature ?? 1
  if (!(temperature >= 0) || !Number.isFinite(temperature)) {
    throw new Error(`sampleNext: temperature must be a finite number ≥ 0, got ${temperature}`)
  }
  if (temperature === 0) return argmax(logits)
  const k = options.topK ?? V
  if (!Number.isInteger(k) || k < 1) throw new Error(`sampleNext: topK must be a positive integer, got ${k}`)
  const cutoff = k < V ? kthLargest(logits, k) : Number.NEGATIVE_INFINITY
  let max = Number.NEGATIVE_INFINITY
  for (let i = 0; i < V; i++) {
    const v = logits[i] as number
    if (v >= cutoff && v > max) max = v
  }
  const weights = new Float64Array(V)
  let total = 0
  for (let i = 0; i < V; i++) {
    const v = logits[i] as number
    if (v < cutoff) continue
    const w = Math.exp((v - max) / temperature)
    weights[i] = w
    total += w
  }
  const target = rng.nextFloat() * total
  let acc = 0
  let last = -1
  for (let i = 0; i < V; i++) {
    const w = weights[i] as number
    if (w === 0) continue
    acc += w
    last = i
    if (target < acc) return i
  }
  return last >= 0 ? last : argmax(logits)
}

/** Index of the first maximum (NaN never wins). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0
  let max = Number.NEGATIVE_INFINITY
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number
    if (v > max) {
      max = v
      best = i
    }
  }
  return best
}

/** The k-th largest value (1-based), counting duplicates. */
function kthLargest(values: ArrayLike<number>, k: number): number {
  const sorted = Float64Array.from(values as ArrayLike<number>).sort()
  return sorted[sorted.length - k] as number
}
