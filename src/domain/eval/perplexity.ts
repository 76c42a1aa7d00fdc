/** Summed negative log-likelihood (nats) over `tokens` target tokens. */
export interface NllTotals {
  nllSum: number
  tokens: number
}

/**
 * Perplexity = exp(Σ NLL / N) over all target tokens. Callers keep the sum and the count across
 * batches: the exp of a mean of per-batch means is a different number when batches differ in size.
 */
export function perplexity({ nllSum, tokens }: NllTotals): number {
  if (!Number.isInteger(tokens) || tokens <= 0) {
    throw new RangeError(`perplexity: tokens must be a positive integer, got ${tokens}`)
  }
  if (Number.isNaN(nllSum) || nllSum < 0) {
    throw new RangeError(`perplexity: nllSum must be a non-negative number of nats, got ${nllSum}`)
  }
  return Math.exp(nllSum / tokens)
}

/** Accumulates NLL sums and token counts across batches. */
export class NllAccumulator implements NllTotals {
  nllSum = 0
  tokens = 0

  /** Adds a batch: its summed NLL (not its mean) and its token count. */
  add(nllSum: number, tokens: number): this {
    this.nllSum += nllSum
    this.tokens += tokens
    return this
  }

  /** Mean NLL per token (nats). */
  meanNll(): number {
    if (this.tokens === 0) throw new RangeError('NllAccumulator.meanNll: no tokens added')
    return this.nllSum / this.tokens
  }

  perplexity(): number {
    return perplexity(this)
  }
}
