import { sinceLaunchMs } from '../../foundation/process/uptime-ms.ts'

/**
 * Milestones of one hook process in ms since it (or the launcher a standby answers) started (`sinceLaunchMs()`), for the per-step breakdown
 * in the ledger and `npm run bench -- hook`; `CODEX_HOOK_TRACE=1` prints them.
 */
const marks: { label: string; ms: number }[] = []

/** Records that `label` was reached now. */
export function mark(label: string): void {
  marks.push({ label, ms: Math.round(sinceLaunchMs() * 10) / 10 })
}

/** Forgets the milestones so far: a hook standby's own start is not the commit's (standby-serve.ts). */
export function clearMarks(): void {
  marks.length = 0
}

/** The milestones so far, in order. */
export function timeline(): { label: string; ms: number }[] {
  return [...marks]
}
