/** Precision, recall and F-measure, each in [0, 1] (rouge-score's `Score`). */
export interface RougeScore {
  precision: number
  recall: number
  fmeasure: number
}

/**
 * rouge-score's default tokenizer without stemming: lowercase, every run of characters outside
 * [a-z0-9] becomes a space, split, keep non-empty tokens.
 */
export function rougeTokenize(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .split(' ')
    .filter((t) => t.length > 0)
}

/** Length of the longest common subsequence of two token lists (O(n·m) time, O(m) memory). */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0
  let prev = new Uint32Array(b.length + 1)
  let cur = new Uint32Array(b.length + 1)
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      cur[j] = a[i - 1] === b[j - 1] ? (prev[j - 1] as number) + 1 : Math.max(prev[j] as number, cur[j - 1] as number)
    }
    const t = prev
    prev = cur
    cur = t
  }
  return prev[b.length] as number
}

/** The LCS statistics behind one ROUGE-L score, summable across a corpus. */
export interface LcsStats {
  lcs: number
  targetTokens: number
  predictionTokens: number
}

/** LCS statistics of one (target, prediction) pair under rouge-score tokenization. */
export function lcsStats(target: string, prediction: string): LcsStats {
  const t = rougeTokenize(target)
  const p = rougeTokenize(prediction)
  return { lcs: lcsLength(t, p), targetTokens: t.length, predictionTokens: p.length }
}

/** P = LCS/|prediction|, R = LCS/|target|, F = 2PR/(P+R); all 0 when either side has no tokens. */
export function scoreFromStats(stats: LcsStats): RougeScore {
  if (stats.targetTokens === 0 || stats.predictionTokens === 0) return { precision: 0, recall: 0, fmeasure: 0 }
  const precision = stats.lcs / stats.predictionTokens
  const recall = stats.lcs / stats.targetTokens
  const fmeasure = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0
  return { precision, recall, fmeasure }
}

/** ROUGE-L of `prediction` against `target`, in rouge-score's `score(target, prediction)` order. */
export function rougeL(target: string, prediction: string): RougeScore {
  return scoreFromStats(lcsStats(target, prediction))
}

/** rouge-score's `score_multi`: the score against the target with the highest F-measure (first wins ties). */
export function rougeLMulti(targets: readonly string[], prediction: string): RougeScore & { target: number } {
  let best: RougeScore & { target: number } = { precision: 0, recall: 0, fmeasure: 0, target: 0 }
  targets.forEach((target, i) => {
    const score = rougeL(target, prediction)
    if (i === 0 || score.fmeasure > best.fmeasure) best = { ...score, target: i }
  })
  return best
}
