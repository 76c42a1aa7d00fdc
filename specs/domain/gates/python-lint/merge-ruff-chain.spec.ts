import { describe, expect, test } from 'vitest'
import type { RuffConfigFile } from '../../../../src/domain/gates/python-lint/load-ruff-chain.ts'
import { mergeRuffChain } from '../../../../src/domain/gates/python-lint/merge-ruff-chain.ts'

function file(path: string, options: Record<string, unknown>): RuffConfigFile {
  const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : ''
  return { file: path, dir, options }
}

describe('mergeRuffChain()', () => {
  test('no files: ruff’s defaults, nothing set', () => {
    expect(mergeRuffChain([]).options).toEqual({})
  })

  test('nearer files win; plugin and [format] tables merge field by field', () => {
    const merged = mergeRuffChain([
      file('ruff.toml', {
        'line-length': 100,
        lint: { isort: { 'known-first-party': ['app'] } },
        format: { 'quote-style': 'single' },
      }),
      file('base/ruff.toml', {
        'line-length': 80,
        'indent-width': 2,
        lint: { isort: { 'force-single-line': true, 'known-first-party': ['lib'] } },
        format: { 'quote-style': 'double', 'indent-style': 'tab' },
      }),
    ])
    expect(merged.options).toEqual({
      'line-length': 100,
      'indent-width': 2,
      lint: { isort: { 'force-single-line': true, 'known-first-party': ['app'] } },
      format: { 'quote-style': 'single', 'indent-style': 'tab' },
    })
  })

  test('deprecated top-level lint settings still count, under [lint]; [lint] wins where both are set', () => {
    const merged = mergeRuffChain([
      file('pyproject.toml', {
        select: ['E'],
        ignore: ['E501'],
        lint: { select: ['F'] },
        isort: { 'force-sort-within-sections': true },
      }),
    ])
    expect(merged.options).toEqual({
      lint: { select: ['F'], ignore: ['E501'], isort: { 'force-sort-within-sections': true } },
    })
  })

  test('per-file-ignores: the nearest file’s table replaces; extend-per-file-ignores accumulate, each with its folder', () => {
    const merged = mergeRuffChain([
      file('pkg/ruff.toml', {
        lint: { 'per-file-ignores': { 'tests/*': ['S101'] }, 'extend-per-file-ignores': { '__init__.py': ['F401'] } },
      }),
      file('ruff.toml', {
        lint: { 'per-file-ignores': { 'scripts/*': ['T201'] }, 'extend-per-file-ignores': { 'conftest.py': ['E402'] } },
      }),
    ])
    expect(merged.perFileIgnores).toEqual([
      { dir: 'pkg', pattern: 'tests/*', value: ['S101'] },
      { dir: '', pattern: 'conftest.py', value: ['E402'] },
      { dir: 'pkg', pattern: '__init__.py', value: ['F401'] },
    ])
    expect(merged.options).toEqual({})
  })

  test('exclude replaces, extend-exclude accumulates, paths stay with their file’s folder', () => {
    const merged = mergeRuffChain([
      file('pkg/ruff.toml', { 'extend-exclude': ['gen'], 'force-exclude': true }),
      file('ruff.toml', {
        exclude: ['legacy'],
        'extend-exclude': ['vendor'],
        lint: { exclude: ['x.py'] },
        format: { exclude: ['*.pyi'] },
      }),
    ])
    expect(merged.exclude).toEqual({ dir: '', patterns: ['legacy'] })
    expect(merged.extendExclude).toEqual([
      { dir: '', patterns: ['vendor'] },
      { dir: 'pkg', patterns: ['gen'] },
    ])
    expect(merged.forceExclude).toBe(true)
    expect(merged.lintExclude).toEqual({ dir: '', patterns: ['x.py'] })
    expect(merged.formatExclude).toEqual({ dir: '', patterns: ['*.pyi'] })
    expect(merged.options).toEqual({ format: {} })
  })

  test('CLI-only settings (cache, output, fix, src) are left out of the Workspace settings', () => {
    const merged = mergeRuffChain([
      file('ruff.toml', {
        'cache-dir': '.c',
        fix: true,
        'output-format': 'full',
        src: ['src'],
        'respect-gitignore': false,
        'line-length': 90,
      }),
    ])
    expect(merged.options).toEqual({ 'line-length': 90 })
  })

  test('an unknown setting or rule selector is a UserError naming the file', () => {
    expect(() => mergeRuffChain([file('ruff.toml', { 'line-lenght': 90 })])).toThrow(
      /^ruff\.toml: ruff rejects its settings: unknown field `line-lenght`/,
    )
    expect(() => mergeRuffChain([file('ruff.toml', {}), file('base.toml', { lint: { select: ['XYZ123'] } })])).toThrow(
      'base.toml: ruff rejects its settings: Unknown rule selector `XYZ123` in `select`',
    )
  })
})
