import type { CoverageOptions } from 'vitest/node'
import { type CoverageConfig, loadCoverageConfig } from '../../domain/coverage/coverage-config.ts'
import { isDependencyAvailable } from '../../foundation/optional/optional-import.ts'
import { UNAVAILABLE_PROVIDER_MODULE } from './unavailable-provider.ts'

/** Where Vitest writes its own coverage output; cleaned each run, so the per-session archives live beside it. */
export const COVERAGE_OUTPUT_DIR = 'reports/coverage/latest'

/**
 * The root config's `test.coverage`, from `<root>/configs/coverage.json`: v8 with the thresholds
 * per area, or — when @vitest/coverage-v8 cannot be loaded — a provider that collects nothing, so
 * the run still completes and the reporter records why. Coverage stays off unless `--coverage`.
 */
export function coverageOptions(root: string, config: CoverageConfig = loadCoverageConfig(root)): CoverageOptions {
  const common = { include: config.include, exclude: config.exclude, reportsDirectory: COVERAGE_OUTPUT_DIR }
  if (!isDependencyAvailable('@vitest/coverage-v8'))
    return { ...common, provider: 'custom', customProviderModule: UNAVAILABLE_PROVIDER_MODULE }
  return {
    ...common,
    provider: 'v8',
    reporter: ['text-summary', 'json-summary'],
    thresholds: vitestThresholds(config),
  }
}

/** configs/coverage.json thresholds in Vitest's shape: global keys plus one entry per area glob. */
export function vitestThresholds(config: CoverageConfig): NonNullable<CoverageOptions['thresholds']> {
  return { ...config.global, ...config.areas }
}
