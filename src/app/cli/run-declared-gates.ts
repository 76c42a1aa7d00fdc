import type { CaseSnapshot } from '../../adapters/reporter/to-ledger-rows.ts'
import { configGateMeta, configGateVerdict } from '../../adapters/vitest/config-gate-meta.ts'
import type { GatesSetup } from '../../adapters/vitest/gates-setup.ts'
import {
  NONE_DECLARED,
  PLAN_FAILED,
  planDeclaredGates,
  planFailure,
} from '../../adapters/vitest/plan-declared-gates.ts'
import { type ConfigGateRun, skippedRun } from '../../domain/gates/config-gate-run.ts'
import { type ConfigGateEntry, runConfigGates } from '../../domain/gates/config-gates.ts'
import { gateCase } from './record-gates-session.ts'

/** A declared gate's test case, and its blocking findings as printed lines. */
export interface DeclaredResult {
  case: CaseSnapshot
  blocking: string[]
}

/**
 * Runs the gates the repository declares (command gates, `.pre-commit-config.yaml` hooks) in this
 * process, as `gates/commands.gate.ts` runs them in Vitest: the same plan, the same schedule
 * (independent gates side by side, `serial` ones alone after, fail_fast ones in order, skipped
 * with the reason after a stopping failure) and the same verdicts, as the test cases the ledger
 * reporter would have read off Vitest. `file` is commands.gate's path as the run records it;
 * `only` keeps the gates `--gate` named (Vitest's name filter would record the others as skipped).
 */
export async function runDeclaredGates(
  setup: GatesSetup,
  env: NodeJS.ProcessEnv,
  sessionId: string,
  file: string,
  only?: ReadonlySet<string>,
  signal?: AbortSignal,
): Promise<DeclaredResult[]> {
  let planned: ConfigGateEntry[]
  try {
    planned = planDeclaredGates(setup, env, sessionId)
  } catch (error) {
    const failure = planFailure(error)
    const errors = [{ message: failure.message, name: failure.name }]
    return [
      { case: gateCase(file, PLAN_FAILED, { state: 'failed', durationMs: 0, skipReason: null, errors }), blocking: [] },
    ]
  }
  if (planned.length === 0)
    return [
      { case: gateCase(file, NONE_DECLARED, { state: 'skipped', durationMs: 0, skipReason: null }), blocking: [] },
    ]
  const entries = planned.filter((e) => !only || only.has(e.name))
  // A gate that throws fails its own test only (as in Vitest); for the schedule it is a failure.
  const thrown = new Map<string, unknown>()
  const guarded = entries.map(
    (e): ConfigGateEntry => ({
      ...e,
      run: async (signal) => {
        try {
          return await e.run(signal)
        } catch (error) {
          thrown.set(e.name, error)
          return { ...skippedRun(e.name, 'threw'), status: 'failed', reason: undefined }
        }
      },
    }),
  )
  const runs = await runConfigGates(guarded, signal)
  return entries.map((entry, i) => {
    const run = runs[i] as ConfigGateRun
    return declaredResult(entry, setup, file, run, thrown.get(entry.name))
  })
}

// --- internal ---

function declaredResult(
  entry: ConfigGateEntry,
  setup: GatesSetup,
  file: string,
  run: ConfigGateRun,
  thrown: unknown,
): DeclaredResult {
  if (thrown !== undefined) {
    const error = thrown instanceof Error ? thrown : new Error(String(thrown))
    const errors = [{ message: error.message, name: error.name, stack: error.stack }]
    const meta = configGateMeta(entry, setup)
    return {
      case: gateCase(file, entry.name, { state: 'failed', durationMs: null, skipReason: null, errors, meta }),
      blocking: [],
    }
  }
  const meta = configGateMeta(entry, setup, run)
  if (run.status === 'skipped') {
    const skipReason = run.reason ?? 'skipped'
    return {
      case: gateCase(file, entry.name, { state: 'skipped', durationMs: run.durationMs, skipReason, meta }),
      blocking: [],
    }
  }
  const verdict = configGateVerdict(entry.name, run)
  const errors = verdict.error ? [{ message: verdict.error.message, name: verdict.error.name }] : []
  const state = verdict.error ? 'failed' : 'passed'
  return {
    case: gateCase(file, entry.name, { state, durationMs: run.durationMs, skipReason: null, errors, meta }),
    blocking: verdict.blocking,
  }
}
