/** The python-lint gate's settings: the common ones plus `format` and `server`. */
export const PYTHON_LINT_DEFAULTS = {
  enabled: true,
  timeout_ms: 120_000, // ms for the whole scan
  exclude: [] as string[],
  severity: {} as Record<string, 'error' | 'warn' | 'off'>,
  format: true, // also fail files `ruff format` would change
  server: true, // the commit hook keeps ruff warm in a background process between commits (hook ruff-server)
}

export type PythonLintConfig = typeof PYTHON_LINT_DEFAULTS
