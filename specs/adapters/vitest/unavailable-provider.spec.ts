import { join } from 'node:path'
import { describe, expect, test, vi } from 'vitest'
import type { ResolvedCoverageOptions, Vitest } from 'vitest/node'
import { onlyWithout, skipWithout } from '../../../src/adapters/vitest/skip-without.ts'
import provider, {
  UNAVAILABLE_PROVIDER_NAME,
  unavailableMessage,
} from '../../../src/adapters/vitest/unavailable-provider.ts'
import { installCommand } from '../../../src/foundation/optional/optional-dependencies.ts'
import { isDependencyAvailable } from '../../../src/foundation/optional/optional-import.ts'
import { openLedger } from '../../../src/ledger/open-ledger.ts'
import { runCoverageFixture } from '../../domain/coverage/run-fixture.ts'
import { tempDir } from '../../support/temp-dir.ts'

describe('the unavailable coverage provider', () => {
  test('collects nothing, keeps Vitest’s options and tells the user once, with the fix', async () => {
    const options = { enabled: true, provider: 'custom' } as unknown as ResolvedCoverageOptions
    const warn = vi.fn()
    const p = await provider.getProvider()
    p.initialize({ config: { coverage: options }, logger: { warn } } as unknown as Vitest)
    expect(p.name).toBe(UNAVAILABLE_PROVIDER_NAME)
    expect(p.resolveOptions()).toBe(options)
    expect(p.generateCoverage({ allTestsRun: true })).toBeUndefined()
    expect(warn).toHaveBeenCalledWith(`codex-gates: ${unavailableMessage()}`)
    if (isDependencyAvailable('@vitest/coverage-v8'))
      expect(unavailableMessage()).toBe('coverage unavailable: @vitest/coverage-v8 could not be loaded')
    else expect(unavailableMessage()).toContain(`Fix: ${installCommand('@vitest/coverage-v8')}`)
  })
})

describe('without @vitest/coverage-v8', () => {
  test('a run with --coverage completes; the ledger gets a `coverage unavailable` event and a skipped gate with the fix', (ctx) => {
    onlyWithout(ctx, '@vitest/coverage-v8')
    skipWithout(ctx, 'better-sqlite3')
    const dir = tempDir('cov-unavailable-')
    const ledgerPath = join(dir, 'ledger.db')
    const runs = runCoverageFixture(ledgerPath, dir)
    expect(runs.codes, runs.output).toEqual([0])
    expect(runs.output).toContain('codex-gates: coverage unavailable: optional dependency @vitest/coverage-v8')
    const ledger = openLedger(ledgerPath, { readonly: true, reapAborted: false })
    try {
      const session = ledger.get<{ id: string; status: string }>('SELECT id, status FROM sessions')
      expect(session?.status).toBe('passed')
      const gate = ledger.get<{ status: string; reason: string }>(
        'SELECT status, reason FROM gate_runs WHERE gate = ?',
        'coverage',
      )
      expect(gate?.status).toBe('skipped')
      expect(gate?.reason).toMatch(/^coverage unavailable: .*Fix: npm i -D @vitest\/coverage-v8@\d+\.\d+\.\d+$/)
      const events = ledger.all<{ level: string; message: string }>('SELECT level, message FROM events')
      expect(events).toEqual([{ level: 'warn', message: gate?.reason }])
      expect(ledger.all('SELECT * FROM coverage')).toEqual([])
    } finally {
      ledger.close()
    }
  }, 120_000)
})
