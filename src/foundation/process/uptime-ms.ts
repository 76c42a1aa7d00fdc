/**
 * Milliseconds since this process started, sub-millisecond: performance.now()'s clock without
 * loading perf_hooks, which the `performance` global does on first use (~0.6 ms of a commit hook,
 * before its first check). For durations and milestones within one process.
 */
export function uptimeMs(): number {
  return process.uptime() * 1000
}
