/** The python-deps gate's defaults; codex-gates.json overrides them field by field. */
export const PYTHON_DEPS_DEFAULTS = {
  enabled: true,
  timeout_ms: 60_000, // ms
  exclude: [] as string[],
  severity: {} as Record<string, 'error' | 'warn' | 'off'>,
  kind: 'auto' as 'auto' | 'application' | 'library', // auto: application when a lock file or a top-level requirements file exists
  check_installed: true, // compare $VIRTUAL_ENV, else .venv, else python3's site-packages with the declarations
  check_licenses: true, // licences of installed distributions reachable from the declarations
  license_allow: [
    'MIT',
    'MIT-0',
    'ISC',
    'Apache-2.0',
    'BSD-2-Clause',
    'BSD-3-Clause',
    '0BSD',
    'CC0-1.0',
    'Unlicense',
    'PSF-2.0',
    'Python-2.0',
    'Zlib',
    'HPND',
  ],
  license_exceptions: {} as Record<string, string>, // distribution name -> reason
  allow_unpinned: {} as Record<string, string>, // package name -> reason: the pinning rules skip it
}

export type PythonDepsConfig = typeof PYTHON_DEPS_DEFAULTS
