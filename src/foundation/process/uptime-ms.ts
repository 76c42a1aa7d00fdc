/** Added to process.uptime(): a hook standby's clock starts with the launcher it answers (shiftUptime). */
let shift = 0

/**
 * Milliseconds since this process started, sub-millisecond: performance.now()'s clock without
 * loading perf_hooks, which the `performance` global does on first use (~0.6 ms of a commit hook,
 * before its first check). For durations and milestones within one process. In a hook standby
 * (src/app/hook/standby-serve.ts), since the launcher it answers started.
 */
export function uptimeMs(): number {
  return process.uptime() * 1000 + shift
}

/** From now on, uptimeMs() reads `ms` where it reads this process's own uptime now. */
export function restartUptimeAt(ms: number): void {
  shift = ms - process.uptime() * 1000
}
