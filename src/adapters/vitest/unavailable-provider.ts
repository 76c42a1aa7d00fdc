// The coverage provider used when @vitest/coverage-v8 cannot be loaded (coverage-options.ts
// selects it): the run completes without coverage instead of Vitest stopping on a missing
// dependency, and the ledger reporter records a `coverage unavailable` event and a skipped gate.
import { fileURLToPath } from 'node:url'
import type { CoverageProvider, CoverageProviderModule, ResolvedCoverageOptions, Vitest } from 'vitest/node'
import { missingDependency } from '../../foundation/optional/optional-import.ts'

/** This module's path, for `coverage.customProviderModule`. */
export const UNAVAILABLE_PROVIDER_MODULE = fileURLToPath(import.meta.url)

/** Name the provider reports (and the reporter recognises). */
export const UNAVAILABLE_PROVIDER_NAME = 'codex-gates: coverage unavailable'

/** The one line users see, with the fix. */
export function unavailableMessage(): string {
  const missing = missingDependency('@vitest/coverage-v8')
  return `coverage unavailable: ${missing ? missing.message : '@vitest/coverage-v8 could not be loaded'}`
}

class UnavailableCoverageProvider implements CoverageProvider {
  name = UNAVAILABLE_PROVIDER_NAME
  private options: ResolvedCoverageOptions | undefined

  initialize(ctx: Vitest): void {
    this.options = ctx.config.coverage
    ctx.logger.warn(`codex-gates: ${unavailableMessage()}`)
  }

  resolveOptions(): ResolvedCoverageOptions {
    return this.options as ResolvedCoverageOptions
  }

  clean(): void {}

  onAfterSuiteRun(): void {}

  generateCoverage(): undefined {
    return undefined // nothing collected: Vitest then skips onCoverage
  }

  reportCoverage(): void {}
}

const provider: CoverageProviderModule = { getProvider: () => new UnavailableCoverageProvider() }
export default provider
