import { describe, expect, test } from 'vitest'
import { RuffSettingsResolver } from '../../../../src/domain/gates/python-lint/ruff-settings-resolver.ts'

function resolver(files: Record<string, string>): RuffSettingsResolver {
  return new RuffSettingsResolver((path) => files[path])
}

describe('RuffSettingsResolver.fileSettings()', () => {
  test('no config anywhere: ruff’s defaults', () => {
    expect(resolver({}).fileSettings('a/b.py')).toEqual({ options: {}, format: true, configFiles: [] })
  })

  test('the closest config applies, alone (no merging with the one above)', () => {
    const r = resolver({
      'ruff.toml': 'line-length = 100\n[lint]\nselect = ["E"]\n',
      'pkg/sub/.ruff.toml': 'indent-width = 2\n',
    })
    expect(r.fileSettings('pkg/a.py')?.options).toEqual({ 'line-length': 100, lint: { select: ['E'] } })
    expect(r.fileSettings('pkg/sub/deep/b.py')?.options).toEqual({ 'indent-width': 2 })
    expect(r.fileSettings('pkg/sub/deep/b.py')?.configFiles).toEqual(['pkg/sub/.ruff.toml'])
  })

  test('ruff’s default excludes apply at any depth; a folder’s own config cannot rescue it', () => {
    const r = resolver({ 'build/ruff.toml': 'exclude = []\n' })
    expect(r.fileSettings('build/x.py')).toBeUndefined()
    expect(r.fileSettings('src/.venv/lib/x.py')).toBeUndefined()
    expect(r.fileSettings('src/builder/x.py')).toBeDefined()
  })

  test('exclude globs are rooted at the config’s folder; bare names match at any depth', () => {
    const r = resolver({ 'pkg/ruff.toml': 'extend-exclude = ["gen/*.py", "legacy"]\n' })
    expect(r.fileSettings('pkg/gen/a.py')).toBeUndefined()
    expect(r.fileSettings('gen/a.py')).toBeDefined()
    expect(r.fileSettings('pkg/x/legacy/a.py')).toBeUndefined()
  })

  test('explicit files skip exclude unless force-exclude is set', () => {
    const files = { 'ruff.toml': 'extend-exclude = ["gen"]\n[lint]\nexclude = ["skip.py"]\n' }
    expect(resolver(files).fileSettings('gen/a.py', { explicit: true })).toBeDefined()
    expect(resolver(files).fileSettings('skip.py', { explicit: true })).toBeDefined()
    const forced = { 'ruff.toml': `force-exclude = true\n${files['ruff.toml']}` }
    expect(resolver(forced).fileSettings('gen/a.py', { explicit: true })).toBeUndefined()
    expect(resolver(forced).fileSettings('skip.py', { explicit: true })).toBeUndefined()
    expect(resolver(files).fileSettings('skip.py')).toBeUndefined()
  })

  test('include narrows what is linted; extend-include widens it', () => {
    const r = resolver({ 'ruff.toml': 'include = ["src/**/*.py"]\n' })
    expect(r.fileSettings('src/a/b.py')).toBeDefined()
    expect(r.fileSettings('tools/c.py')).toBeUndefined()
  })

  test('[format] exclude keeps linting the file, without the format check', () => {
    const r = resolver({ 'ruff.toml': '[format]\nexclude = ["generated_*.py"]\n' })
    expect(r.fileSettings('pkg/generated_ops.py')?.format).toBe(false)
    expect(r.fileSettings('pkg/ops.py')?.format).toBe(true)
  })

  test('stubs (.pyi) are not linted: ruff-wasm has no stub mode', () => {
    expect(resolver({}).fileSettings('pkg/ops.pyi')).toBeUndefined()
  })

  test('per-file-ignores become ruff-wasm’s `<filename>` entry; `!` negates', () => {
    const r = resolver({
      'ruff.toml':
        '[lint.per-file-ignores]\n"tests/**" = ["S101", "D"]\n"!src/**" = ["T201"]\n"__init__.py" = ["F401"]\n',
    })
    expect(r.fileSettings('tests/unit/t.py')?.options).toEqual({
      lint: { 'per-file-ignores': { '<filename>': ['D', 'S101', 'T201'] } },
    })
    expect(r.fileSettings('src/pkg/__init__.py')?.options).toEqual({
      lint: { 'per-file-ignores': { '<filename>': ['F401'] } },
    })
    expect(r.fileSettings('src/pkg/m.py')?.options).toEqual({})
  })

  test('per-file-target-version overrides target-version for matching files', () => {
    const r = resolver({
      'ruff.toml': 'target-version = "py312"\n[per-file-target-version]\n"scripts/*.py" = "py38"\n',
    })
    expect(r.fileSettings('scripts/x.py')?.options).toEqual({ 'target-version': 'py38' })
    expect(r.fileSettings('src/x.py')?.options).toEqual({ 'target-version': 'py312' })
  })

  test('a missing target-version falls back to the nearest requires-python from the config up', () => {
    const r = resolver({
      'pyproject.toml': '[project]\nrequires-python = ">=3.11"\n',
      'pkg/ruff.toml': 'line-length = 90\n',
    })
    expect(r.fileSettings('pkg/a.py')?.options).toEqual({ 'line-length': 90, 'target-version': 'py311' })
    expect(r.fileSettings('a.py')?.options).toEqual({ 'target-version': 'py311' })
  })

  test('probed: every config path looked at, present or not', () => {
    const r = resolver({ 'ruff.toml': 'extend = "configs/base.toml"\n', 'configs/base.toml': '' })
    r.fileSettings('pkg/a.py')
    expect([...r.probed].sort()).toEqual([
      '.ruff.toml',
      'configs/base.toml',
      'pkg/.ruff.toml',
      'pkg/pyproject.toml',
      'pkg/ruff.toml',
      'pyproject.toml',
      'ruff.toml',
    ])
  })
})
