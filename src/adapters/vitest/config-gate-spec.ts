import { join } from 'node:path'
import { inject, test } from 'vitest'
import type { ConfigGateRun } from '../../domain/gates/config-gate-run.ts'
import { type ConfigGateEntry, configGates } from '../../domain/gates/config-gates.ts'
import { formatFinding } from '../../domain/gates/finding.ts'
import { gateCachePath } from '../../domain/gates/result-cache.ts'
import { errorMessage } from '../../foundation/errors/user-error.ts'
import { envValue } from '../../foundation/settings/env-value.ts'
import { setting } from '../../foundation/settings/settings.ts'
import { recordToLedger } from '../../ledger/ledger-meta.ts'
import { gatesSetup } from './gate-spec.ts'

/**
 * The body of `gates/commands.gate.ts`: one test per gate the repository declares — command gates
 * of codex-gates.json (test names = their keys) and the hooks of `.pre-commit-config.yaml`
 * (`pre-commit:<id>`). Independent gates are `test.concurrent`, so their tools run side by side in
 * one file (pre-commit runs hooks one at a time); `serial` gates and fail_fast hooks run after
 * them, in order. Each test records its gate_runs row, findings, output and training run.
 */
export function defineConfigGateSpecs(): void {
  const { root, config, stage } = gatesSetup()
  const env = process.env
  let entries: ConfigGateEntry[]
  try {
    entries = configGates({
      root,
      config,
      stage,
      env,
      useCache: setting('CODEX_GATES_NO_CACHE', env) !== true,
      cachePath: gateCachePath(env),
      reportsDir: envValue('CODEX_GATES_REPORTS', env) ?? join(root, 'reports'),
      sessionId: inject('codexSessionId'),
    })
  } catch (error) {
    // A broken .pre-commit-config.yaml or pattern: one failing test saying where, not a collection error.
    const message = errorMessage(error)
    test('configured gates', () => {
      throw new Error(
        `${message}${(error as { hint?: string }).hint ? ` — fix: ${(error as { hint: string }).hint}` : ''}`,
      )
    })
    return
  }
  if (entries.length === 0) {
    test.skip('no command gates in codex-gates.json and no .pre-commit-config.yaml hooks', () => {})
    return
  }
  let stoppedBy: string | undefined
  const define = (entry: ConfigGateEntry, concurrent: boolean) => {
    const define = concurrent ? test.concurrent : test
    // The command's own timeout stops it first; the test's is a backstop.
    define(entry.name, { timeout: entry.timeoutMs + 30_000 }, async ({ task, skip, expect, signal }) => {
      const step = `gate ${entry.name}`
      const context = `GATES_ROOT=${root}; stage=${stage}; source=${entry.source}`
      if (stoppedBy) {
        const reason = `fail_fast: ${stoppedBy} failed first`
        recordToLedger(task, { gate: { gate: entry.name, status: 'skipped', reason }, step, context })
        skip(reason)
        return
      }
      let run: ConfigGateRun
      try {
        run = await entry.run(signal)
      } catch (error) {
        recordToLedger(task, { gate: { gate: entry.name, status: 'failed' }, step, context })
        throw error
      }
      recordToLedger(task, {
        findings: run.findings,
        events: run.events,
        artifacts: run.artifacts,
        trainingRuns: run.trainingRuns,
        gate: {
          gate: entry.name,
          status: run.status,
          cache_key: run.cacheKey,
          cached_from: run.cachedFrom,
          duration_ms: run.durationMs,
          reason: run.reason,
        },
        step,
        context: `${context}; files=${run.fileCount}`,
      })
      if (run.status === 'failed' && entry.stopsOnFailure) stoppedBy = entry.name
      if (run.status === 'skipped') {
        skip(run.reason ?? 'skipped')
        return
      }
      const blocking = run.findings.filter((f) => f.severity === 'error').map(formatFinding)
      for (const line of blocking) console.log(line)
      const failures = run.status === 'failed' ? Math.max(1, blocking.length) : blocking.length
      expect(failures, `${entry.name} failed: ${blocking.join(' | ') || run.reason || 'see its output'}`).toBe(0)
    })
  }
  for (const e of entries) if (!e.ordered && !e.serial) define(e, true)
  for (const e of entries) if (!e.ordered && e.serial) define(e, false)
  for (const e of entries) if (e.ordered) define(e, false)
}
