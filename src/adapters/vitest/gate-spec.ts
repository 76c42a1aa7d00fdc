import { expect, test } from 'vitest'
import { formatFinding } from '../../domain/gates/finding.ts'
import { type GateName, type GatesConfig, loadGatesConfig } from '../../domain/gates/gates-config.ts'
import { gatesRoot } from '../../domain/gates/repo-files.ts'
import { runGate } from '../../domain/gates/run-gate.ts'
import { recordToLedger } from '../../ledger/ledger-meta.ts'

/**
 * The body of every `gates/<name>.gate.ts`: one test that runs the gate, hands its findings
 * and gate_runs row to the ledger reporter (task meta), prints each blocking finding as
 * `gate file:line rule: message — fix: remediation`, and fails on any error finding.
 */
export function defineGateSpec(name: GateName): void {
  // Read the config at collection so the per-gate timeout applies; a bad config fails collection.
  const root = gatesRoot()
  const config: GatesConfig = loadGatesConfig(root)
  const timeout = config.gates[name].timeout_ms

  test(name, { timeout }, async ({ task, skip }) => {
    const step = `gate ${name}`
    const context = `GATES_ROOT=${root}; config=${config.path ?? '(defaults)'}; files=${config.files}`
    let run: Awaited<ReturnType<typeof runGate>>
    try {
      run = await runGate(name, { root, config })
    } catch (error) {
      recordToLedger(task, { gate: { gate: name, status: 'failed' }, step, context })
      throw error
    }
    recordToLedger(task, {
      findings: run.findings,
      events: run.events,
      artifacts: run.artifacts,
      gate: {
        gate: name,
        status: run.status,
        cache_key: run.cacheKey,
        cached_from: run.cachedFrom,
        duration_ms: run.durationMs,
        reason: run.reason,
      },
      step,
      context: `${context}; scanned=${run.fileCount}${run.cacheKey ? `; cache_key=${run.cacheKey.slice(0, 16)}` : ''}`,
    })
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
