/** Mean and max of one numeric field over a run's samples. */
export interface FieldSummary {
  mean: number
  max: number
  count: number
}

/**
 * Mean/max per numeric field over `samples`; nulls, NaN and non-numeric fields are skipped.
 * `prefix(sample)` namespaces fields (e.g. `gpu0/`) so GPUs are summarized separately.
 */
export function summarize(
  samples: readonly Record<string, unknown>[],
  prefix: (sample: Record<string, unknown>) => string = () => '',
  skip: readonly string[] = ['ts', 'index'],
): Record<string, FieldSummary> {
  const acc = new Map<string, { sum: number; max: number; count: number }>()
  for (const sample of samples) {
    const p = prefix(sample)
    for (const [key, value] of Object.entries(sample)) {
      if (skip.includes(key) || typeof value !== 'number' || Number.isNaN(value)) continue
      const name = `${p}${key}`
      const a = acc.get(name) ?? { sum: 0, max: Number.NEGATIVE_INFINITY, count: 0 }
      a.sum += value
      a.max = Math.max(a.max, value)
      a.count++
      acc.set(name, a)
    }
  }
  const out: Record<string, FieldSummary> = {}
  for (const [name, a] of acc) out[name] = { mean: a.sum / a.count, max: a.max, count: a.count }
  return out
}
