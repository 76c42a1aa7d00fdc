import { statSync } from 'node:fs'
import { join } from 'node:path'
import type { Gate } from '../../domain/gates/gate.ts'
import type { GateName } from '../../domain/gates/gates-config.ts'
import { loadGate } from '../../domain/gates/registry.ts'
import { errorMessage } from '../../foundation/errors/user-error.ts'
import { uptimeMs } from '../../foundation/process/uptime-ms.ts'
import { errored, judge } from './judge-step.ts'
import type { PlannedStep, StepOutcome } from './step-outcome.ts'

/**
 * Up to this many bytes of input in all, the hook's light scans run on the main thread instead
 * of in a worker: starting a worker (a second Node environment, its own module graph) costs
 * ~100 ms of CPU, several times what these scans take on a one-file change.
 */
export const INLINE_MAX_BYTES = 512 * 1024

/**
 * The steps that may run on the main thread: gates named in `inline` whose files, together, are
 * at most `maxBytes` (a missing file counts as too big: the worker decides). What is left runs
 * in the worker as before, where a step past its timeout can be stopped.
 */
export function inlineSteps(
  root: string,
  steps: readonly PlannedStep[],
  inline: ReadonlySet<string>,
  maxBytes = INLINE_MAX_BYTES,
): PlannedStep[] {
  const chosen = steps.filter((s) => inline.has(s.name))
  const files = new Set(chosen.flatMap((s) => s.files))
  let bytes = 0
  for (const file of files) {
    try {
      bytes += statSync(join(root, file)).size
    } catch {
      return []
    }
    if (bytes > maxBytes) return []
  }
  return chosen
}

/**
 * Runs small gate scans one after another on this thread, with the outcomes the worker would
 * give (gate-worker.ts and run-steps.ts): skipped with the gate's reason, passed or failed as
 * judged, an error with the thrown message, `timeout` when a scan ran past the step's timeout
 * (here found after the fact: on inputs this small a scan cannot run away), and `interrupted`
 * once `signal` is aborted.
 */
export async function runInline(
  root: string,
  steps: readonly PlannedStep[],
  outcomes: Map<string, StepOutcome>,
  signal: AbortSignal | undefined,
): Promise<void> {
  for (const step of steps) {
    if (signal?.aborted) return // the caller marks what is left interrupted
    const started = uptimeMs()
    const ms = () => uptimeMs() - started
    let outcome: StepOutcome
    try {
      const gate = (await loadGate(step.name as GateName)) as Gate
      const config = step.config as never
      const reason = gate.skipReason?.(root, step.files, config)
      if (reason) {
        outcome = { ...errored(step, reason, ms()), status: 'skipped' }
      } else {
        const result = await gate.scan(root, step.files, config)
        const { findings, failed } = judge(result.findings, step.severity, step.reportOnly, step.baseline)
        outcome = {
          name: step.name,
          status: failed ? 'failed' : 'passed',
          durationMs: ms(),
          files: step.reportOnly?.length ?? step.files.length,
          findings,
          events: result.events ?? [],
        }
      }
    } catch (error) {
      outcome = errored(step, errorMessage(error), ms())
    }
    if (signal?.aborted) outcome = { ...errored(step, 'interrupted', ms()), status: 'interrupted' }
    else if (outcome.durationMs > step.timeoutMs)
      outcome = { ...errored(step, `timed out after ${step.timeoutMs} ms`, step.timeoutMs), status: 'timeout' }
    outcomes.set(step.name, outcome)
  }
}
