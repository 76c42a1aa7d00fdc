import { nearest } from '../../foundation/cli/nearest.ts'
import { UserError } from '../../foundation/errors/user-error.ts'
import { bleuSignature, corpusBleu } from './bleu.ts'
import { pySplit } from './python-text.ts'
import { type LcsStats, lcsStats, scoreFromStats } from './rouge-l.ts'
import { exactMatch, f1, normalizeAnswer, squadGolds, tokenOverlap } from './squad.ts'
import { lineTokenAccuracy } from './token-accuracy.ts'

/** A corpus score on the 0..100 scale sacreBLEU prints, with what produced it. */
export interface MetricResult {
  /** Registry key, e.g. `rougeL`. */
  metric: MetricName
  /** Display name, e.g. `ROUGE-L`. */
  name: string
  /** The headline score, 0..100: corpus-level for BLEU, ROUGE-L and accuracy; the mean over lines for f1 and em (SQuAD's). */
  score: number
  /** Mean of per-line scores, 0..100 (rougeL, f1, em). */
  lineMean?: number
  lines: number
  nrefs: number
  /** Reproducibility signature (BLEU). */
  signature?: string
  /** The rest of the one-line summary, e.g. BLEU's precisions and brevity penalty. */
  verbose: string
  details: Record<string, number | number[]>
}

/** A text metric over line-aligned hypotheses and reference streams (`references[k][i]`). */
export interface TextMetric {
  name: string
  description: string
  corpus(hypotheses: readonly string[], references: readonly (readonly string[])[]): MetricResult
  /** One line's score in 0..1 against its references (absent for corpus-only metrics such as BLEU). */
  line?(hypothesis: string, references: readonly string[]): number
}

const bleu: TextMetric = {
  name: 'BLEU',
  description: 'corpus BLEU, sacreBLEU defaults (13a, exp smoothing, 4-grams, closest ref length)',
  corpus(hypotheses, references) {
    const s = corpusBleu(hypotheses, references)
    return {
      metric: 'bleu',
      name: 'BLEU',
      score: s.score,
      lines: hypotheses.length,
      nrefs: references.length,
      signature: bleuSignature(s.nrefs),
      verbose:
        `${s.precisions.map((p) => p.toFixed(1)).join('/')} (BP = ${s.bp.toFixed(3)} ratio = ${s.ratio.toFixed(3)} ` +
        `hyp_len = ${s.sysLen} ref_len = ${s.refLen})`,
      details: {
        counts: s.counts,
        totals: s.totals,
        precisions: s.precisions,
        bp: s.bp,
        ratio: s.ratio,
        hyp_len: s.sysLen,
        ref_len: s.refLen,
      },
    }
  },
}

const rougeLMetric: TextMetric = {
  name: 'ROUGE-L',
  description: 'ROUGE-L F-measure, rouge-score tokenization without stemming; best reference per line',
  line: (hypothesis, references) => bestRouge(hypothesis, references).fmeasure,
  corpus(hypotheses, references) {
    const sum: LcsStats = { lcs: 0, targetTokens: 0, predictionTokens: 0 }
    let fSum = 0
    hypotheses.forEach((h, i) => {
      const best = bestRouge(h, column(references, i))
      fSum += best.fmeasure
      sum.lcs += best.stats.lcs
      sum.targetTokens += best.stats.targetTokens
      sum.predictionTokens += best.stats.predictionTokens
    })
    const micro = scoreFromStats(sum)
    const mean = hypotheses.length ? (100 * fSum) / hypotheses.length : 0
    return {
      metric: 'rougeL',
      name: 'ROUGE-L',
      score: 100 * micro.fmeasure,
      lineMean: mean,
      lines: hypotheses.length,
      nrefs: references.length,
      verbose:
        `(mean of lines = ${mean.toFixed(2)}; corpus P = ${(100 * micro.precision).toFixed(2)} ` +
        `R = ${(100 * micro.recall).toFixed(2)})`,
      details: { precision: 100 * micro.precision, recall: 100 * micro.recall, ...sum },
    }
  },
}

const f1Metric: TextMetric = {
  name: 'F1',
  description:
    "SQuAD token F1 (normalized: lowercase, no punctuation or articles), max over references, mean over lines as SQuAD's evaluate script",
  line: (hypothesis, references) => f1(hypothesis, references),
  corpus(hypotheses, references) {
    // Headline: the mean over lines of each line's best F1, as SQuAD's evaluate-v1.1/v2.0 and
    // HF `evaluate`'s squad metric report it. The micro F over tokens summed across lines (each
    // line against its best reference) is a different number, kept as extra fields.
    let fSum = 0
    let same = 0
    let predTokens = 0
    let goldTokens = 0
    hypotheses.forEach((h, i) => {
      const refs = column(references, i)
      const score = f1(h, refs)
      fSum += score
      const pred = pySplit(normalizeAnswer(h))
      const golds = squadGolds(refs)
      const gold = pySplit(normalizeAnswer(golds.find((g) => f1(h, [g]) === score) ?? ''))
      same += tokenOverlap(pred, gold)
      predTokens += pred.length
      goldTokens += gold.length
    })
    const p = predTokens ? same / predTokens : 0
    const r = goldTokens ? same / goldTokens : 0
    const micro = p + r > 0 ? (2 * p * r) / (p + r) : 0
    const mean = hypotheses.length ? (100 * fSum) / hypotheses.length : 0
    return {
      metric: 'f1',
      name: 'F1',
      score: mean,
      lineMean: mean,
      lines: hypotheses.length,
      nrefs: references.length,
      verbose: `(mean of lines; micro F1 = ${(100 * micro).toFixed(2)} P = ${(100 * p).toFixed(2)} R = ${(100 * r).toFixed(2)})`,
      details: {
        micro_f1: 100 * micro,
        precision: 100 * p,
        recall: 100 * r,
        same,
        pred_tokens: predTokens,
        gold_tokens: goldTokens,
      },
    }
  },
}

const em: TextMetric = {
  name: 'EM',
  description: 'SQuAD exact match after normalization, any reference',
  line: (hypothesis, references) => exactMatch(hypothesis, references),
  corpus(hypotheses, references) {
    let hits = 0
    hypotheses.forEach((h, i) => {
      hits += exactMatch(h, column(references, i))
    })
    const mean = hypotheses.length ? (100 * hits) / hypotheses.length : 0
    return {
      metric: 'em',
      name: 'EM',
      score: mean,
      lineMean: mean,
      lines: hypotheses.length,
      nrefs: references.length,
      verbose: `(${hits}/${hypotheses.length} lines match)`,
      details: { matches: hits },
    }
  },
}

const accuracy: TextMetric = {
  name: 'Accuracy',
  description:
    'token accuracy: whitespace tokens equal position by position, over reference tokens; best reference per line',
  line: (hypothesis, references) => bestAccuracy(hypothesis, references).accuracy,
  corpus(hypotheses, references) {
    let correct = 0
    let total = 0
    hypotheses.forEach((h, i) => {
      const best = bestAccuracy(h, column(references, i))
      correct += best.correct
      total += best.total
    })
    const score = total ? (100 * correct) / total : 0
    return {
      metric: 'accuracy',
      name: 'Accuracy',
      score,
      lines: hypotheses.length,
      nrefs: references.length,
      verbose: `(${correct}/${total} tokens)`,
      details: { correct, total },
    }
  },
}

/** Text metrics by name: `--metric <name>` and the `metrics` list of eval configs pick from here. */
export const METRICS = { bleu, rougeL: rougeLMetric, f1: f1Metric, em, accuracy } satisfies Record<string, TextMetric>

export type MetricName = keyof typeof METRICS

/** The metric called `name`, or a UserError naming the nearest and listing all. */
export function metricByName(name: string, where = '--metric'): TextMetric & { key: MetricName } {
  if (Object.hasOwn(METRICS, name)) return { ...METRICS[name as MetricName], key: name as MetricName }
  const names = Object.keys(METRICS)
  const close = nearest(name, names)
  throw new UserError(
    'EVAL_METRIC_UNKNOWN',
    `${where}: no metric named "${name}"`,
    `${close ? `did you mean ${close}? ` : ''}choose one of: ${names.join(', ')}`,
  )
}

/** sacreBLEU-style one-line summary: `BLEU|<signature> = 32.12 <verbose>`. */
export function formatMetricResult(result: MetricResult): string {
  const head = result.signature ? `${result.name}|${result.signature}` : result.name
  return `${head} = ${result.score.toFixed(2)} ${result.verbose}`
}

// --- internal ---

function column(references: readonly (readonly string[])[], i: number): string[] {
  return references.map((stream) => stream[i] as string)
}

function bestRouge(hypothesis: string, references: readonly string[]) {
  let best = { fmeasure: -1, stats: { lcs: 0, targetTokens: 0, predictionTokens: 0 } as LcsStats }
  for (const ref of references) {
    const stats = lcsStats(ref, hypothesis)
    const { fmeasure } = scoreFromStats(stats)
    if (fmeasure > best.fmeasure) best = { fmeasure, stats }
  }
  return { ...best, fmeasure: Math.max(0, best.fmeasure) }
}

function bestAccuracy(hypothesis: string, references: readonly string[]) {
  let best = { correct: 0, total: 0, accuracy: -1 }
  for (const ref of references) {
    const a = lineTokenAccuracy(hypothesis, ref)
    if (a.total > 0 && a.accuracy > best.accuracy) best = a
  }
  return best.accuracy < 0 ? { correct: 0, total: 0, accuracy: 0 } : best
}
