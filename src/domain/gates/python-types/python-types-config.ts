import type { MissingImportsPolicy } from './missing-imports.ts'

/** The python-types gate's settings: the common ones, the baseline file and the missing-imports policy. */
export const PYTHON_TYPES_DEFAULTS = {
  enabled: true,
  timeout_ms: 600_000, // ms: a cold pyright on a large repository
  exclude: [] as string[],
  severity: {} as Record<string, 'error' | 'warn' | 'off'>,
  baseline: 'configs/python-types.baseline.json', // repo-relative; accepted diagnostics per file
  missing_imports: 'warn-once' as MissingImportsPolicy, // warn-once | error | ignore
}

export type PythonTypesConfig = typeof PYTHON_TYPES_DEFAULTS
