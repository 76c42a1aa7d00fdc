import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import {
  COVERAGE_OUTPUT_DIR,
  coverageOptions,
  vitestThresholds,
} from '../../../src/adapters/vitest/coverage-options.ts'
import { hiddenHere } from '../../../src/adapters/vitest/drift-projects.ts'
import { UNAVAILABLE_PROVIDER_MODULE } from '../../../src/adapters/vitest/unavailable-provider.ts'
import {
  DEFAULT_COVERAGE_CONFIG,
  loadCoverageConfig,
  scopeNames,
} from '../../../src/domain/coverage/coverage-config.ts'
import { REPO_ROOT, tempDir } from '../../support/temp-dir.ts'

function configAt(json: unknown): string {
  const dir = tempDir('cov-config-')
  const path = join(dir, 'coverage.json')
  writeFileSync(path, JSON.stringify(json))
  return path
}

describe('loadCoverageConfig()', () => {
  test('this repository: global ≥ 85% lines; ledger, gates and checkpoint ≥ 90% lines and branches', () => {
    const config = loadCoverageConfig(REPO_ROOT)
    expect(config.include).toEqual(['src/**/*.ts'])
    expect(config.global.lines).toBeGreaterThanOrEqual(85)
    for (const area of ['src/ledger/**', 'src/domain/gates/**', 'src/domain/checkpoint/**']) {
      expect(config.areas[area]?.lines, area).toBeGreaterThanOrEqual(90)
      expect(config.areas[area]?.branches, area).toBeGreaterThanOrEqual(90)
    }
    expect(config.ratchet.tolerancePoints).toBe(0.5)
    expect(scopeNames(config)).toEqual(['global', 'src/ledger/**', 'src/domain/gates/**', 'src/domain/checkpoint/**'])
  })

  test('a project without configs/coverage.json gets the defaults; a partial file is completed by them', () => {
    expect(loadCoverageConfig(tempDir('cov-none-'))).toBe(DEFAULT_COVERAGE_CONFIG)
    const config = loadCoverageConfig('/unused', configAt({ ratchet: { tolerancePoints: 1 } }))
    expect(config.ratchet).toEqual({ ...DEFAULT_COVERAGE_CONFIG.ratchet, tolerancePoints: 1 })
  })

  test('an invalid file is a user error naming the JSON path and the fix', () => {
    expect(() => loadCoverageConfig('/unused', configAt({ thresholds: { global: { line: 80 } } }))).toThrow(
      /coverage\.json: \/thresholds\/global\/line is not a known setting/,
    )
    expect(() => loadCoverageConfig('/unused', configAt({ ratchet: { tolerancePoints: -1 } }))).toThrow(
      /\/ratchet\/tolerancePoints must be >= 0/,
    )
  })
})

describe('coverageOptions()', () => {
  test('v8 with Vitest-shaped thresholds where @vitest/coverage-v8 loads; else the provider that collects nothing', () => {
    const options = coverageOptions(REPO_ROOT)
    expect(options.reportsDirectory).toBe(COVERAGE_OUTPUT_DIR)
    expect(options.include).toEqual(['src/**/*.ts'])
    if (hiddenHere().includes('@vitest/coverage-v8')) {
      expect(options).toMatchObject({ provider: 'custom', customProviderModule: UNAVAILABLE_PROVIDER_MODULE })
      return
    }
    expect(options.provider).toBe('v8')
    expect(options.thresholds).toEqual(vitestThresholds(loadCoverageConfig(REPO_ROOT)))
    expect(options.thresholds).toMatchObject({ lines: 85, 'src/ledger/**': { lines: 90, branches: 90 } })
  })
})
