import { expect, inject, test } from 'vitest'
import { formatFinding } from '../../domain/gates/finding.ts'
import type { GateName } from '../../domain/gates/gates-config.ts'
import { runGate } from '../../domain/gates/run-gate.ts'
import { recordToLedger } from '../../ledger/ledger-meta.ts'
import { gateContext, gateRunMeta } from './gate-run-meta.ts'
import { type GatesSetup, loadGatesSetup } from './gates-setup.ts'

/**
 * The body of every `gates/<name>.gate.ts`: one test that runs the gate, hands its findings
 * and gate_runs row to the ledger reporter (task meta), prints each blocking finding as
 * `gate file:line rule: message — fix: remediation`, and fails on any error finding.
 */
export function defineGateSpec(name: GateName): void {
  // The config at collection, so the per-gate timeout applies: loaded and validated once per
  // run by the project's globalSetup, which stops a run with a bad config before this point.
  const { root, config } = gatesSetup()
  const timeout = config.gates[name].timeout_ms

  test(name, { timeout }, async ({ task, skip }) => {
    const step = `gate ${name}`
    const context = gateContext(root, config.path, config.files)
    let run: Awaited<ReturnType<typeof runGate>>
    try {
      run = await runGate(name, { root, config, sessionId: inject('codexSessionId') })
    } catch (error) {
      recordToLedger(task, { gate: { gate: name, status: 'failed' }, step, context })
      throw error
    }
    recordToLedger(task, gateRunMeta(run, context))
    if (run.status === 'skipped') {
      skip(run.reason ?? 'skipped')
      return
    }
    const blocking = run.findings.filter((f) => f.severity === 'error').map(formatFinding)
    for (const line of blocking) console.log(line)
    // One line, so the error-capture block (first line of the failure) keeps every file:line.
    expect(blocking.length, `${blocking.length} blocking finding(s): ${blocking.join(' | ')}`).toBe(0)
  })
}

let local: GatesSetup | undefined

/**
 * The setup a gate file uses: the one the main process loaded and validated (globalSetup →
 * `inject`), else, where gate files run under a Vitest config without that globalSetup, one
 * load per worker process shared by all the gate files it collects.
 */
export function gatesSetup(): GatesSetup {
  const provided = inject('codexGates')
  if (provided) return provided
  local ??= loadGatesSetup()
  return local
}
