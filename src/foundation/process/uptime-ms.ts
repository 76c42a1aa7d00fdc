/**
 * Milliseconds since this process started, sub-millisecond: performance.now()'s clock without
 * loading perf_hooks, which the `performance` global does on first use (~0.6 ms of a commit hook,
 * before its first check). For durations and milestones within one process.
 */
export function uptimeMs(): number {
  return process.uptime() * 1000
}

/** uptimeMs() when the launching process started; 0: this process is the one (launchedAt). */
let launched = 0

/**
 * Milliseconds since the process that launched this run started: uptimeMs() itself, except in a
 * hook standby (src/app/hook/standby-serve.ts), which answers a launcher that started moments ago.
 * For what a user waited (a hook's timeline and total), never for durations, which use uptimeMs().
 */
export function sinceLaunchMs(): number {
  return uptimeMs() - launched
}

/** From now on, sinceLaunchMs() counts from a launcher whose own uptime is `ms` now. */
export function launchedAt(ms: number): void {
  launched = uptimeMs() - ms
}
