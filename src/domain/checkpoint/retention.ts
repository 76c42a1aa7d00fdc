/** Which checkpoints to keep. Zero disables a rule; see `planRetention`. */
export interface RetentionPolicy {
  /** Keep the k best by the monitored metric. */
  keepBest: number
  /** Keep the n highest steps. */
  keepLast: number
  /** Keep every checkpoint whose step is a multiple of m. */
  keepEvery: number
  /** `min`: lower is better (a loss); `max`: higher is better (an accuracy). */
  mode: 'min' | 'max'
}

/** One committed checkpoint as retention sees it. */
export interface RetentionEntry {
  name: string
  step: number
  /** The monitored metric; undefined when this checkpoint was saved without it. NaN ranks worst. */
  metric: number | undefined
}

export interface RetentionPlan {
  keep: string[]
  remove: string[]
  /** The best checkpoint by the metric, or null when none carries it. */
  best: string | null
}

/**
 * Union of the rules (best k, last n, every m-th step) plus the protected names (the checkpoint
 * just written, the one resumed from) and the current best, which are never removed. Best
 * ranks by metric (NaN after every number), ties going to the earlier step; checkpoints without
 * the metric are not ranked. Last ranks by step number.
 */
export function planRetention(
  entries: readonly RetentionEntry[],
  policy: RetentionPolicy,
  protectedNames: ReadonlySet<string> = new Set(),
): RetentionPlan {
  const ranked = rankByMetric(entries, policy.mode)
  const best = ranked[0]?.name ?? null
  const keep = new Set<string>(protectedNames)
  if (best) keep.add(best)
  for (const e of ranked.slice(0, policy.keepBest)) keep.add(e.name)
  const byStep = [...entries].sort((a, b) => b.step - a.step)
  for (const e of byStep.slice(0, policy.keepLast)) keep.add(e.name)
  if (policy.keepEvery > 0) for (const e of entries) if (e.step % policy.keepEvery === 0) keep.add(e.name)
  const kept = byStep.filter((e) => keep.has(e.name)).map((e) => e.name)
  const remove = byStep.filter((e) => !keep.has(e.name)).map((e) => e.name)
  return { keep: kept, remove, best }
}

/** Entries carrying the metric, best first: numbers by mode, then NaN; ties → earlier step. */
export function rankByMetric(entries: readonly RetentionEntry[], mode: 'min' | 'max'): RetentionEntry[] {
  const sign = mode === 'min' ? 1 : -1
  return entries
    .filter((e) => e.metric !== undefined)
    .sort((a, b) => {
      const x = a.metric as number
      const y = b.metric as number
      if (Number.isNaN(x) !== Number.isNaN(y)) return Number.isNaN(x) ? 1 : -1
      if (!Number.isNaN(x) && x !== y) return sign * (x < y ? -1 : 1)
      return a.step - b.step
    })
}
