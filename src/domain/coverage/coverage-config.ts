import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { readJsonConfig } from '../../foundation/config/read-json-config.ts'
import { PACKAGE_ROOT } from '../../foundation/fs/package-root.ts'

export const METRICS = ['lines', 'branches', 'functions', 'statements'] as const
export type Metric = (typeof METRICS)[number]
export type MetricThresholds = Partial<Record<Metric, number>>

/** The scope name for all included files together. */
export const GLOBAL_SCOPE = 'global'

export interface CoverageConfig {
  include: string[]
  exclude: string[]
  /** Minimum % over every included file. */
  global: MetricThresholds
  /** Minimum % per area glob; every area is also a recorded, ratcheted scope. */
  areas: Record<string, MetricThresholds>
  ratchet: {
    /** A drop of more than this many points below the best on the branch fails (default 0.5). */
    tolerancePoints: number
    metrics: Metric[]
    /** Files a failure names (default 5). */
    worstFiles: number
    /** History before this ISO time is ignored; null keeps all. */
    resetAt: string | null
  }
}

/** The defaults, used for anything configs/coverage.json leaves out (or when it is absent). */
export const DEFAULT_COVERAGE_CONFIG: CoverageConfig = {
  include: ['src/**/*.ts'],
  exclude: [],
  global: {},
  areas: {},
  ratchet: { tolerancePoints: 0.5, metrics: ['lines', 'branches'], worstFiles: 5, resetAt: null },
}

interface CoverageFile {
  include?: string[]
  exclude?: string[]
  thresholds?: { global?: MetricThresholds; areas?: Record<string, MetricThresholds> }
  ratchet?: Partial<CoverageConfig['ratchet']>
}

/** `<root>/configs/coverage.json`, validated against configs/schemas/coverage.schema.json (UserError if invalid). */
export function loadCoverageConfig(root: string, path = join(root, 'configs', 'coverage.json')): CoverageConfig {
  if (!existsSync(path)) return DEFAULT_COVERAGE_CONFIG
  const file = readJsonConfig<CoverageFile>(path, SCHEMA, 'COVERAGE_CONFIG')
  return {
    include: file.include ?? DEFAULT_COVERAGE_CONFIG.include,
    exclude: file.exclude ?? DEFAULT_COVERAGE_CONFIG.exclude,
    global: file.thresholds?.global ?? {},
    areas: file.thresholds?.areas ?? {},
    ratchet: { ...DEFAULT_COVERAGE_CONFIG.ratchet, ...file.ratchet },
  }
}

/** The scopes recorded and ratcheted: `global`, then each area glob. */
export function scopeNames(config: CoverageConfig): string[] {
  return [GLOBAL_SCOPE, ...Object.keys(config.areas)]
}

// --- internal ---

// The schema ships with this code (not with the project under test), so it is found beside it.
const SCHEMA = join(PACKAGE_ROOT, 'configs', 'schemas', 'coverage.schema.json')
