import { describe, expect, test } from 'vitest'
import {
  PYTHON_LINT_DEFAULTS,
  pythonLintGate,
  pythonLintInputs,
  scanPythonLint,
} from '../../../../src/domain/gates/python-lint/python-lint-gate.ts'
import { ruffPackageVersion, ruffVersion } from '../../../../src/domain/gates/python-lint/ruff-wasm.ts'
import { tempRepo } from '../_temp-repo.ts'

// One violation per rule family (E, F, W, I, B, UP), each on its own line, and its clean twin.
const PLANTED = [
  '"""Planted: one violation per rule family."""',
  '',
  'import sys', // I001: the block is not sorted (os before sys)
  'import os',
  '',
  '',
  'class Model(object):', // UP004: useless `object` base
  '    def forward(self, x, cache=[]):', // B006: mutable default
  '        unused = 1 ', // F841 unused local, W291 trailing space
  '        if x == None:', // E711 comparison to None
  '            return sys.argv',
  '        return os.sep',
  '',
].join('\n')

const CLEAN = [
  '"""Clean twin: the same module, fixed."""',
  '',
  'import os',
  'import sys',
  '',
  '',
  'class Model:',
  '    def forward(self, x, cache=None):',
  '        if x is None:',
  '            return sys.argv',
  '        return os.sep',
  '',
].join('\n')

const FAMILIES = '[tool.ruff]\ntarget-version = "py310"\n[tool.ruff.lint]\nselect = ["E", "F", "W", "I", "B", "UP"]\n'

/** `rule file:line` of every finding, sorted. */
function scan(files: Record<string, string>, config = PYTHON_LINT_DEFAULTS): string[] {
  const root = tempRepo(files)
  const python = Object.keys(files).filter((f) => /\.pyi?$/.test(f))
  return scanPythonLint(root, python, config)
    .findings.map((f) => `${f.rule} ${f.file}:${f.line}`)
    .sort()
}

describe('scanPythonLint()', () => {
  test('finds one planted violation per rule family, and nothing in the clean twin', () => {
    expect(scan({ 'pyproject.toml': FAMILIES, 'planted.py': PLANTED, 'clean.py': CLEAN })).toEqual([
      'B006 planted.py:8',
      'E711 planted.py:10',
      'F841 planted.py:9',
      'I001 planted.py:3',
      'UP004 planted.py:7',
      'W291 planted.py:9',
      'format planted.py:9',
    ])
  })

  test('findings carry ruff’s message, the column, and ruff’s fix or the rule page as remediation', () => {
    const root = tempRepo({ 'pyproject.toml': FAMILIES, 'planted.py': PLANTED })
    const { findings } = scanPythonLint(root, ['planted.py'], PYTHON_LINT_DEFAULTS)
    const e711 = findings.find((f) => f.rule === 'E711')
    expect(e711).toMatchObject({ gate: 'python-lint', severity: 'error', file: 'planted.py', line: 10 })
    expect(e711?.message).toBe('Comparison to `None` should be `cond is None` (col 17)')
    expect(e711?.remediation).toContain('Replace with `cond is None`')
    expect(e711?.remediation).toContain('https://docs.astral.sh/ruff/rules/E711/')
    const format = findings.find((f) => f.rule === 'format')
    expect(format?.message).toContain('"        unused = 1 " → "        unused = 1"')
  })

  test('a syntax error is a finding, and the format check leaves that file alone', () => {
    expect(scan({ 'broken.py': 'def f(:\n    pass\n' })).toEqual([
      'invalid-syntax broken.py:1',
      'invalid-syntax broken.py:1',
    ])
  })

  test('format: false reports lint findings only', () => {
    const rules = scan(
      { 'pyproject.toml': FAMILIES, 'planted.py': PLANTED },
      { ...PYTHON_LINT_DEFAULTS, format: false },
    )
    expect(rules).not.toContain('format planted.py:9')
    expect(rules).toHaveLength(6)
  })
})

describe('repository settings change the result', () => {
  const long = `x = "${'a'.repeat(88)}"\n` // 94 characters

  test('line-length', () => {
    const select = '[tool.ruff.lint]\nselect = ["E501"]\n'
    expect(scan({ 'pyproject.toml': select, 'm.py': long })).toEqual(['E501 m.py:1'])
    expect(scan({ 'pyproject.toml': `[tool.ruff]\nline-length = 100\n${select}`, 'm.py': long })).toEqual([])
  })

  test('extend-select adds to the default rules', () => {
    const trailing = 'x = 1 \n'
    expect(scan({ 'pyproject.toml': '[tool.ruff]\n', 'm.py': trailing }, noFormat())).toEqual([])
    expect(scan({ 'ruff.toml': '[lint]\nextend-select = ["W291"]\n', 'm.py': trailing }, noFormat())).toEqual([
      'W291 m.py:1',
    ])
  })

  test('per-file-ignores, globs relative to the config’s folder', () => {
    const config = '[lint]\nselect = ["F401"]\n[lint.per-file-ignores]\n"tests/*" = ["F401"]\n"__init__.py" = ["F"]\n'
    const files = {
      'ruff.toml': config,
      'src/m.py': 'import os\n',
      'tests/t.py': 'import os\n',
      'src/__init__.py': 'import os\n',
    }
    expect(scan(files)).toEqual(['F401 src/m.py:1'])
    expect(scan({ ...files, 'ruff.toml': '[lint]\nselect = ["F401"]\n' })).toEqual([
      'F401 src/__init__.py:1',
      'F401 src/m.py:1',
      'F401 tests/t.py:1',
    ])
  })

  test('exclude replaces ruff’s default list; extend-exclude adds to it', () => {
    const files = { 'build/b.py': 'import os\n', 'generated/g.py': 'import os\n', 'm.py': 'import os\n' }
    const select = '[lint]\nselect = ["F401"]\n'
    expect(scan({ ...files, 'ruff.toml': select })).toEqual(['F401 generated/g.py:1', 'F401 m.py:1'])
    expect(scan({ ...files, 'ruff.toml': `extend-exclude = ["generated"]\n${select}` })).toEqual(['F401 m.py:1'])
    expect(scan({ ...files, 'ruff.toml': `exclude = ["generated"]\n${select}` })).toEqual([
      'F401 build/b.py:1',
      'F401 m.py:1',
    ])
  })

  test('extend: a base file’s settings, overridden by the file that extends it', () => {
    const base = 'line-length = 60\n[lint]\nselect = ["E501"]\n'
    const line70 = `x = "${'a'.repeat(64)}"\n`
    expect(scan({ 'configs/base.toml': base, 'ruff.toml': 'extend = "configs/base.toml"\n', 'm.py': line70 })).toEqual([
      'E501 m.py:1',
    ])
    expect(
      scan({
        'configs/base.toml': base,
        'ruff.toml': 'extend = "configs/base.toml"\nline-length = 80\n',
        'm.py': line70,
      }),
    ).toEqual([])
    // Without the extend there is no E501 in ruff's default rules at all.
    expect(scan({ 'ruff.toml': 'line-length = 60\n', 'm.py': line70 }, noFormat())).toEqual([])
  })

  test('hierarchical: a nested ruff.toml replaces the root settings for its subtree', () => {
    const files = {
      'pyproject.toml': '[tool.ruff.lint]\nselect = ["F401"]\n',
      'top.py': 'import os\nimport sys\n\nif sys == None:\n    pass\n',
      'pkg/inner.py': 'import os\nimport sys\n\nif sys == None:\n    pass\n',
    }
    expect(scan(files)).toEqual(['F401 pkg/inner.py:1', 'F401 top.py:1'])
    expect(scan({ ...files, 'pkg/ruff.toml': '[lint]\nselect = ["E711"]\n' })).toEqual([
      'E711 pkg/inner.py:4',
      'F401 top.py:1',
    ])
  })

  test('target-version comes from requires-python when ruff settings do not set it', () => {
    const files = { 'm.py': 'from typing import List\n\nx: List[int] = []\n' }
    const lint = '[tool.ruff.lint]\nselect = ["UP006"]\n'
    expect(scan({ ...files, 'pyproject.toml': `[project]\nrequires-python = ">=3.8"\n${lint}` })).toEqual([])
    expect(scan({ ...files, 'pyproject.toml': `[project]\nrequires-python = ">=3.10"\n${lint}` })).toEqual([
      'UP006 m.py:3',
    ])
  })
})

describe('pythonLintGate', () => {
  test('skips a repository without Python files', () => {
    const reason = 'no .py files (.pyi stubs are left to python-types)'
    expect(pythonLintGate.skipReason('/x', ['README.md', 'a.ts'])).toBe(reason)
    expect(pythonLintGate.skipReason('/x', ['a.pyi'])).toBe(reason)
    expect(pythonLintGate.skipReason('/x', ['a.py'])).toBeUndefined()
  })

  test('stubs are counted in an info event, not linted', () => {
    const root = tempRepo({
      'a.py': 'import os\n',
      'b.pyi': 'import os as os\ndef f(x: Later) -> None: ...\nclass Later: ...\n',
    })
    const result = scanPythonLint(root, ['a.py', 'b.pyi'], PYTHON_LINT_DEFAULTS)
    expect(result.findings.map((f) => f.file)).toEqual(['a.py'])
    expect(result.events).toEqual([
      expect.objectContaining({ level: 'info', message: expect.stringContaining('1 .pyi stub not linted') }),
    ])
  })

  test('cache inputs: the Python files, every config path looked at (and extended), ruff’s version', () => {
    const root = tempRepo({ 'ruff.toml': 'extend = "configs/base.toml"\n', 'configs/base.toml': '', 'pkg/m.py': '' })
    const inputs = pythonLintInputs(root, ['pkg/m.py', 'README.md'])
    expect(inputs.contents).toEqual(
      expect.arrayContaining([
        'pkg/m.py',
        'pkg/ruff.toml',
        'pkg/.ruff.toml',
        'pkg/pyproject.toml',
        'ruff.toml',
        'configs/base.toml',
      ]),
    )
    expect(inputs.contents).not.toContain('README.md')
    expect(inputs.extra).toEqual({ ruff: ruffVersion() })
    expect(ruffPackageVersion()).toBe(ruffVersion())
  })
})

function noFormat() {
  return { ...PYTHON_LINT_DEFAULTS, format: false }
}
