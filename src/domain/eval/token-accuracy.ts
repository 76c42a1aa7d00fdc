import { pySplit } from './python-text.ts'

/** Correct and total counts: sum them across batches, divide once. */
export interface AccuracyCounts {
  correct: number
  total: number
  /** correct / total (0 when total is 0). */
  accuracy: number
}

/**
 * Token accuracy of predicted ids against target ids, position by position. Positions whose
 * target is `ignoreId` (e.g. padding, or -100 as PyTorch uses) are left out of both counts.
 */
export function tokenAccuracy(
  predictions: ArrayLike<number>,
  targets: ArrayLike<number>,
  options: { ignoreId?: number } = {},
): AccuracyCounts {
  if (predictions.length !== targets.length) {
    throw new RangeError(`tokenAccuracy: ${predictions.length} predictions but ${targets.length} targets`)
  }
  let correct = 0
  let total = 0
  for (let i = 0; i < targets.length; i++) {
    if (options.ignoreId !== undefined && targets[i] === options.ignoreId) continue
    total++
    if (predictions[i] === targets[i]) correct++
  }
  return { correct, total, accuracy: total === 0 ? 0 : correct / total }
}

/**
 * Token accuracy of a text line against a reference line: both split on whitespace, position i
 * is correct when the hypothesis has the reference's token there; total = reference tokens (extra
 * hypothesis tokens are not counted, as in teacher-forced accuracy).
 */
export function lineTokenAccuracy(hypothesis: string, reference: string): AccuracyCounts {
  const hyp = pySplit(hypothesis)
  const ref = pySplit(reference)
  let correct = 0
  for (let i = 0; i < ref.length; i++) if (hyp[i] === ref[i]) correct++
  return { correct, total: ref.length, accuracy: ref.length === 0 ? 0 : correct / ref.length }
}

/** Sums counts (e.g. per-batch results) and recomputes the ratio. */
export function sumAccuracy(parts: readonly Pick<AccuracyCounts, 'correct' | 'total'>[]): AccuracyCounts {
  let correct = 0
  let total = 0
  for (const p of parts) {
    correct += p.correct
    total += p.total
  }
  return { correct, total, accuracy: total === 0 ? 0 : correct / total }
}
