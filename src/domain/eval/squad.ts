import { pySplit } from './python-text.ts'

/** `string.punctuation` of Python: the ASCII punctuation SQuAD's normalizer drops. */
const PUNCTUATION = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~')
/** `\b(a|an|the)\b` with Python's Unicode word boundaries (\w = letters, digits, underscore). */
const ARTICLES = /(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])/gu

/**
 * SQuAD's `normalize_answer`: lowercase, drop ASCII punctuation, replace the articles a/an/the
 * with a space, collapse whitespace.
 */
export function normalizeAnswer(text: string): string {
  let out = ''
  for (const ch of text.toLowerCase()) if (!PUNCTUATION.has(ch)) out += ch
  return pySplit(out.replace(ARTICLES, ' ')).join(' ')
}

/** 1 when the normalized prediction equals a normalized gold answer, else 0 (max over golds). */
export function exactMatch(prediction: string, golds: string | readonly string[]): number {
  const p = normalizeAnswer(prediction)
  return squadGolds(golds).some((g) => normalizeAnswer(g) === p) ? 1 : 0
}

/**
 * Token F1 over normalized token multisets, max over golds. As in the SQuAD v2 script, when the
 * prediction or the gold has no tokens, F1 is 1 if both have none, else 0.
 */
export function f1(prediction: string, golds: string | readonly string[]): number {
  const predTokens = pySplit(normalizeAnswer(prediction))
  let best = 0
  for (const gold of squadGolds(golds)) best = Math.max(best, f1Single(predTokens, pySplit(normalizeAnswer(gold))))
  return best
}

/** SQuAD's gold list: answers that normalize to something; with none left, the single gold ''. */
export function squadGolds(golds: string | readonly string[]): readonly string[] {
  const list = typeof golds === 'string' ? [golds] : golds
  const kept = list.filter((g) => normalizeAnswer(g) !== '')
  return kept.length > 0 ? kept : ['']
}

/** Tokens `pred` and `gold` share, counted as multisets (SQuAD's `Counter(pred) & Counter(gold)`). */
export function tokenOverlap(pred: readonly string[], gold: readonly string[]): number {
  const counts = new Map<string, number>()
  for (const t of gold) counts.set(t, (counts.get(t) ?? 0) + 1)
  let same = 0
  for (const t of pred) {
    const c = counts.get(t) ?? 0
    if (c > 0) {
      same++
      counts.set(t, c - 1)
    }
  }
  return same
}

// --- internal ---

function f1Single(pred: string[], gold: string[]): number {
  if (pred.length === 0 || gold.length === 0) return pred.length === gold.length ? 1 : 0
  const same = tokenOverlap(pred, gold)
  if (same === 0) return 0
  const precision = same / pred.length
  const recall = same / gold.length
  return (2 * precision * recall) / (precision + recall)
}
