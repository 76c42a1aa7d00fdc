import { inject, test } from 'vitest'
import { type ConfigGateRun, skippedRun } from '../../domain/gates/config-gate-run.ts'
import { type ConfigGateEntry, failFastReason } from '../../domain/gates/config-gates.ts'
import { recordToLedger } from '../../ledger/ledger-meta.ts'
import { configGateMeta, configGateVerdict } from './config-gate-meta.ts'
import { gatesSetup } from './gate-spec.ts'
import { declaredSelection, NONE_DECLARED, PLAN_FAILED, planDeclaredGates, planFailure } from './plan-declared-gates.ts'

/**
 * The body of `gates/commands.gate.ts`: one test per gate the repository declares — command gates
 * of codex-gates.json (test names = their keys) and the hooks of `.pre-commit-config.yaml`
 * (`pre-commit:<id>`). Independent gates are `test.concurrent`, so their tools run side by side in
 * one file (pre-commit runs hooks one at a time); `serial` gates and fail_fast hooks run after
 * them, in order. Each test records its gate_runs row, findings, output and training run.
 * `codex-gates run` runs the same plan in-process when no built-in gate needs Vitest
 * (src/app/cli/run-declared-gates.ts): keep the two in step.
 */
export function defineConfigGateSpecs(): void {
  const setup = gatesSetup()
  let entries: ConfigGateEntry[]
  try {
    const only = declaredSelection(process.env)
    entries = planDeclaredGates(setup, process.env, inject('codexSessionId')).filter((e) => !only || only.has(e.name))
  } catch (error) {
    // A broken pattern: one failing test saying where, not a collection error.
    const failure = planFailure(error)
    test(PLAN_FAILED, () => {
      throw failure
    })
    return
  }
  if (entries.length === 0) {
    test.skip(NONE_DECLARED, () => {})
    return
  }
  let stoppedBy: string | undefined
  const define = (entry: ConfigGateEntry, concurrent: boolean) => {
    const define = concurrent ? test.concurrent : test
    // The command's own timeout stops it first; the test's is a backstop.
    define(entry.name, { timeout: entry.timeoutMs + 30_000 }, async ({ task, skip, signal }) => {
      if (stoppedBy) {
        const reason = failFastReason(stoppedBy)
        recordToLedger(task, configGateMeta(entry, setup, skippedRun(entry.name, reason)))
        skip(reason)
        return
      }
      let run: ConfigGateRun
      try {
        run = await entry.run(signal)
      } catch (error) {
        recordToLedger(task, configGateMeta(entry, setup))
        if (entry.stopsOnFailure) stoppedBy = entry.name
        throw error
      }
      recordToLedger(task, configGateMeta(entry, setup, run))
      if (run.status === 'failed' && entry.stopsOnFailure) stoppedBy = entry.name
      if (run.status === 'skipped') {
        skip(run.reason ?? 'skipped')
        return
      }
      const verdict = configGateVerdict(entry.name, run)
      for (const line of verdict.blocking) console.log(line)
      if (verdict.error) throw verdict.error
    })
  }
  for (const e of entries) if (!e.ordered && !e.serial) define(e, true)
  for (const e of entries) if (!e.ordered && e.serial) define(e, false)
  for (const e of entries) if (e.ordered) define(e, false)
}
