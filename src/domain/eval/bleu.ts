import { pyRstrip, pySplit } from './python-text.ts'
import { tokenize13a } from './tokenize-13a.ts'

/** Highest n-gram order (sacreBLEU's default). */
export const MAX_NGRAM_ORDER = 4
/** What the `version` field of our signature names: this implementation, not sacreBLEU's package. */
export const BLEU_IMPL_VERSION = 'codex-gates-bleu-1'

/** Corpus BLEU and its sufficient statistics, as sacreBLEU's `BLEUScore` reports them. */
export interface BleuScore {
  /** 0..100. */
  score: number
  /** Matched (clipped) n-grams for n = 1..4. */
  counts: number[]
  /** Hypothesis n-grams for n = 1..4. */
  totals: number[]
  /** Smoothed precisions in percent. */
  precisions: number[]
  /** Brevity penalty. */
  bp: number
  sysLen: number
  refLen: number
  /** sysLen / refLen (0 when refLen is 0). */
  ratio: number
  /** Reference streams (references per segment). */
  nrefs: number
}

/**
 * Corpus BLEU with sacreBLEU's defaults: 13a tokenization, mixed case, `exp` smoothing, n-grams
 * up to 4, statistics summed over segments, per segment the closest reference length (ties →
 * shorter), brevity penalty exp(1 − r/c) when c < r. `references` are streams: `references[k][i]`
 * is reference k of segment i. As in sacreBLEU 2.6, an empty reference line is a reference of
 * length 0 (it still competes for the closest length).
 */
export function corpusBleu(hypotheses: readonly string[], references: readonly (readonly string[])[]): BleuScore {
  if (references.length === 0) throw new RangeError('corpusBleu: no reference streams')
  for (const [k, stream] of references.entries()) {
    if (stream.length !== hypotheses.length) {
      throw new RangeError(
        `corpusBleu: ${hypotheses.length} hypotheses but reference stream ${k} has ${stream.length} lines`,
      )
    }
  }
  const correct = new Array<number>(MAX_NGRAM_ORDER).fill(0)
  const total = new Array<number>(MAX_NGRAM_ORDER).fill(0)
  let sysLen = 0
  let refLen = 0
  hypotheses.forEach((hypothesis, i) => {
    const refs = references.map((stream) => stream[i] as string)
    // Clipping counts: per n-gram, the most times any one reference has it.
    const refNgrams = new Map<string, number>()
    const refLens: number[] = []
    for (const ref of refs) {
      const tokens = pySplit(tokenize13a(pyRstrip(ref)))
      refLens.push(tokens.length)
      for (const [gram, count] of ngramCounts(tokens)) {
        if (count > (refNgrams.get(gram) ?? 0)) refNgrams.set(gram, count)
      }
    }
    const hypTokens = pySplit(tokenize13a(pyRstrip(hypothesis)))
    sysLen += hypTokens.length
    refLen += closestRefLength(hypTokens.length, refLens)
    for (const [gram, count] of ngramCounts(hypTokens)) {
      const n = gramOrder(gram)
      total[n - 1] = (total[n - 1] as number) + count
      const inRef = refNgrams.get(gram)
      if (inRef !== undefined) correct[n - 1] = (correct[n - 1] as number) + Math.min(count, inRef)
    }
  })
  return { ...bleuFromStats(correct, total, sysLen, refLen), nrefs: references.length }
}

/**
 * BLEU from summed statistics (sacreBLEU's `compute_bleu` with `exp` smoothing): a zero match
 * count at order n gets precision 100 / (2^k · total_n) for its k-th such order; BLEU is 0 when
 * nothing matches at all; an order with no hypothesis n-grams stops the loop and its precision
 * stays 0 (log → −9999999999, so BLEU underflows to 0).
 */
export function bleuFromStats(
  correct: readonly number[],
  total: readonly number[],
  sysLen: number,
  refLen: number,
): Omit<BleuScore, 'nrefs'> {
  const bp = sysLen < refLen ? (sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0) : 1
  const precisions = new Array<number>(MAX_NGRAM_ORDER).fill(0)
  const ratio = refLen > 0 ? sysLen / refLen : 0
  const base = { counts: [...correct], totals: [...total], bp, sysLen, refLen, ratio }
  if (!correct.some((c) => c > 0)) return { score: 0, precisions, ...base }
  let smooth = 1
  for (let n = 0; n < MAX_NGRAM_ORDER; n++) {
    const t = total[n] as number
    if (t === 0) break
    const c = correct[n] as number
    if (c === 0) {
      smooth *= 2
      precisions[n] = 100 / (smooth * t)
    } else precisions[n] = (100 * c) / t
  }
  const logSum = precisions.reduce((sum, p) => sum + (p === 0 ? -9999999999 : Math.log(p)), 0)
  return { score: bp * Math.exp(logSum / MAX_NGRAM_ORDER), precisions, ...base }
}

/** sacreBLEU's signature for these defaults: `nrefs:N|case:mixed|eff:no|tok:13a|smooth:exp|version:…`. */
export function bleuSignature(nrefs: number): string {
  return `nrefs:${nrefs}|case:mixed|eff:no|tok:13a|smooth:exp|version:${BLEU_IMPL_VERSION}`
}

/** sacreBLEU's text line: `BLEU|<sig> = 32.12 63.2/38.5/26.3/18.2 (BP = 0.951 ratio = 0.952 hyp_len = 40 ref_len = 42)`. */
export function formatBleu(score: BleuScore): string {
  const precisions = score.precisions.map((p) => p.toFixed(1)).join('/')
  return (
    `BLEU|${bleuSignature(score.nrefs)} = ${score.score.toFixed(2)} ${precisions} ` +
    `(BP = ${score.bp.toFixed(3)} ratio = ${score.ratio.toFixed(3)} hyp_len = ${score.sysLen} ref_len = ${score.refLen})`
  )
}

/** sacreBLEU's `_get_closest_ref_len`: the reference length nearest to the hypothesis; ties → shorter. */
export function closestRefLength(hypLen: number, refLens: readonly number[]): number {
  let bestDiff = -1
  let best = -1
  for (const len of refLens) {
    const diff = Math.abs(hypLen - len)
    if (bestDiff === -1 || diff < bestDiff) {
      bestDiff = diff
      best = len
    } else if (diff === bestDiff && len < best) best = len
  }
  return best
}

// --- internal ---

/** Counts of the n-grams of orders 1..4, keyed by the JSON of their tokens (unambiguous for any token). */
function ngramCounts(tokens: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (let n = 1; n <= MAX_NGRAM_ORDER; n++) {
    for (let i = 0; i + n <= tokens.length; i++) {
      const gram = JSON.stringify(tokens.slice(i, i + n))
      counts.set(gram, (counts.get(gram) ?? 0) + 1)
    }
  }
  return counts
}

/** The order of an n-gram key: its number of tokens. */
function gramOrder(gram: string): number {
  return (JSON.parse(gram) as string[]).length
}
