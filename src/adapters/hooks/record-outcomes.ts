import { userCommand } from '../../foundation/cli/user-command.ts'
import { EXIT, isUserError } from '../../foundation/errors/user-error.ts'
import { setting } from '../../foundation/settings/settings.ts'
import { formatFailures, formatSummary, isBlocking } from './format-outcome.ts'
import { type HookIo, hookLine } from './hook-io.ts'
import type { HookSession } from './hook-session.ts'
import type { StepOutcome } from './run-steps.ts'
import { mark, timeline } from './timeline.ts'

export interface RecordOptions {
  /** `pre-commit`, or `gate` when re-gating a commit after the fact. */
  hook: string
  /** Changed files the steps saw, and the ms spent exporting them (for the summary). */
  files: number
  snapshotMs: number
  /** Called before the session closes with whether everything passed (to queue more rows). */
  beforeFinish?: (passed: boolean) => void
}

/**
 * Closes a gate run: one `events` row per step (status, duration, files, who skipped it), its
 * findings and a `gate_runs` row; prints the failures and the summary line; writes the session
 * as passed, failed or interrupted. Returns the exit code git sees.
 */
export function recordOutcomes(
  io: HookIo,
  session: HookSession,
  outcomes: readonly StepOutcome[],
  options: RecordOptions,
): number {
  const { hook } = options
  for (const o of outcomes) {
    const level = isBlocking(o) ? 'error' : o.skippedBy || o.findings.length > 0 ? 'warn' : 'info'
    const detail = o.status === 'skipped' ? ` (${o.reason})` : ` in ${Math.round(o.durationMs)} ms`
    session.event({
      role: 'tool',
      level,
      message: `step ${o.name} ${o.status}${detail}${o.skippedBy ? ` by ${o.skippedBy.who} at ${o.skippedBy.at}` : ''}`,
      data: {
        step: o.name,
        status: o.status,
        duration_ms: Math.round(o.durationMs * 10) / 10,
        files: o.files,
        findings: o.findings.length,
        reason: o.reason ?? null,
        skipped_by: o.skippedBy ?? null,
      },
    })
    for (const e of o.events) session.event(e)
    session.findings(o.findings)
    session.add('gate_runs', {
      session_id: session.id,
      gate: o.name,
      status: o.status === 'passed' || o.status === 'skipped' ? o.status : 'failed',
      duration_ms: Math.round(o.durationMs * 10) / 10,
      findings_count: o.findings.length,
      reason: o.reason ?? null,
    })
  }
  const interrupted = io.signal?.aborted === true
  const blocked = outcomes.some(isBlocking)
  const failures = formatFailures(outcomes)
  if (failures) hookLine(io, failures)
  hookLine(
    io,
    formatSummary(hook, outcomes, { files: options.files, snapshotMs: options.snapshotMs, totalMs: io.elapsed() }),
  )
  if (blocked && !interrupted) {
    const names = outcomes.filter(isBlocking).map((o) => o.name)
    const gating = hook === 'gate'
    hookLine(
      io,
      `${gating ? 'commit not gated' : 'commit refused'}: fix the findings above${gating ? '' : ', `git add` the fixes and commit again'}; your work tree and index are untouched.\n` +
        `  to skip a step once (recorded in the ledger): SKIP=${names.join(',')} git commit …\n` +
        `  details: ${userCommand(`ledger show ${session.id.slice(0, 8)}`)}`,
    )
  }
  options.beforeFinish?.(!blocked && !interrupted)
  const count = (status: string) => outcomes.filter((o) => o.status === status).length
  session.finish(interrupted ? 'interrupted' : blocked ? 'failed' : 'passed', {
    tests_total: outcomes.length,
    tests_passed: count('passed'),
    tests_failed: outcomes.filter(isBlocking).length,
    tests_skipped: count('skipped'),
  })
  if (setting('CODEX_HOOK_TRACE', io.env) === true) {
    mark('session written')
    hookLine(
      io,
      timeline()
        .map((m) => `${m.label} ${m.ms}ms`)
        .join(' · '),
    )
  }
  if (interrupted) return EXIT.interrupted
  return blocked ? EXIT.failed : EXIT.ok
}

/**
 * Ends a session whose steps could not run. After Ctrl-C that is an interruption (a git child may
 * have died of the same signal first), never a bug; otherwise the error goes on to the user.
 */
export function recordFailure(io: HookIo, session: HookSession, error: unknown, hook = 'pre-commit'): number {
  if (io.signal?.aborted) {
    session.finish('interrupted')
    return EXIT.interrupted
  }
  session.event({
    role: 'system',
    level: 'error',
    message: `${hook} could not run its steps: ${error instanceof Error ? error.message : String(error)}`,
    data: { code: isUserError(error) ? error.code : 'BUG' },
  })
  session.finish('failed')
  throw error
}
