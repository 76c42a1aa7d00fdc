/** A test file and how long it takes (ms). */
export interface Job {
  file: string
  durationMs: number
}

/** One shard of a plan: its files and their summed duration (ms). */
export interface Bin {
  files: string[]
  totalMs: number
}

/**
 * Longest-processing-time-first packing (Graham 1969): jobs sorted by duration, longest first
 * (ties by file, so a plan is reproducible), each into the currently lightest bin (ties: the
 * lowest index). Its makespan is at most 4/3 − 1/(3N) of the optimum, and never below
 * `lowerBound(jobs, n)`. Pure.
 */
export function lptPack(jobs: readonly Job[], n: number): Bin[] {
  if (!Number.isInteger(n) || n < 1) throw new Error(`BUG: lptPack needs a whole number of bins ≥ 1, got ${n}`)
  const bins: Bin[] = Array.from({ length: n }, () => ({ files: [], totalMs: 0 }))
  const sorted = [...jobs].sort((a, b) => b.durationMs - a.durationMs || a.file.localeCompare(b.file))
  for (const job of sorted) {
    let lightest = 0
    for (let i = 1; i < n; i++) if ((bins[i] as Bin).totalMs < (bins[lightest] as Bin).totalMs) lightest = i
    const bin = bins[lightest] as Bin
    bin.files.push(job.file)
    bin.totalMs += job.durationMs
  }
  for (const bin of bins) bin.files.sort()
  return bins
}

/** No packing into `n` bins can finish before this: the longest job, or the mean load. */
export function lowerBound(jobs: readonly Job[], n: number): number {
  let total = 0
  let longest = 0
  for (const j of jobs) {
    total += j.durationMs
    longest = Math.max(longest, j.durationMs)
  }
  return Math.max(longest, total / n)
}

/** The slowest bin's total: the critical path of running the bins in parallel. */
export function makespan(bins: readonly Bin[]): number {
  return bins.reduce((m, b) => Math.max(m, b.totalMs), 0)
}

/**
 * Shards as Vitest makes them without a plan, by file count: files sorted by path and cut into
 * `n` contiguous runs of ⌈files/n⌉ (Vitest sorts by a hash of the path, which is as blind to
 * duration as this).
 */
export function countPack(jobs: readonly Job[], n: number): Bin[] {
  const sorted = [...jobs].sort((a, b) => a.file.localeCompare(b.file))
  const size = Math.ceil(sorted.length / n)
  return Array.from({ length: n }, (_, i) => {
    const part = sorted.slice(i * size, (i + 1) * size)
    return { files: part.map((j) => j.file), totalMs: part.reduce((s, j) => s + j.durationMs, 0) }
  })
}

/** The median of durations (0 for none): what a file without history is assumed to take. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0
  const s = [...values].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}
