import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { firstDifference, lintPythonText } from '../../../../src/domain/gates/python-lint/lint-python-text.ts'
import type { RuffFileSettings } from '../../../../src/domain/gates/python-lint/ruff-settings-resolver.ts'
import { workspaceStats } from '../../../../src/domain/gates/python-lint/ruff-wasm.ts'

const settings = (options: Record<string, unknown> = {}, format = true): RuffFileSettings => ({
  options,
  format,
  configFiles: [],
})

describe('lintPythonText()', () => {
  test('lints a string: rule, line, message with column, fix as remediation', () => {
    const findings = lintPythonText('pkg/m.py', 'import os\n', settings())
    expect(findings).toHaveLength(1)
    expect(findings[0]).toMatchObject({
      gate: 'python-lint',
      rule: 'F401',
      severity: 'error',
      file: 'pkg/m.py',
      line: 1,
      message: '`os` imported but unused (col 8)',
    })
    expect(findings[0]?.remediation).toMatch(/^Remove unused import: `os` \(ruff can apply it/)
  })

  test('a rule without a fix points to its page', () => {
    const [finding] = lintPythonText('m.py', 'l = 1\n', settings({ lint: { select: ['E741'] } }))
    expect(finding?.rule).toBe('E741')
    expect(finding?.remediation).toBe('see https://docs.astral.sh/ruff/rules/E741/')
  })

  test('columns count UTF-16 code units, 1-based', () => {
    const [finding] = lintPythonText('m.py', 's = "😀"; import os\n', settings({ lint: { select: ['F401'] } }, false))
    expect(finding?.message).toBe('`os` imported but unused (col 18)')
  })

  test('format check: one finding at the first differing line; none when formatted or format is off', () => {
    const text = 'x = 1\ny = {  "a":1 }\n'
    const [finding] = lintPythonText('m.py', text, settings())
    expect(finding).toMatchObject({ rule: 'format', line: 2 })
    expect(finding?.message).toContain('"y = {  \\"a\\":1 }" → "y = {\\"a\\": 1}"')
    expect(lintPythonText('m.py', text, settings({}, false))).toEqual([])
    expect(lintPythonText('m.py', text, settings(), { format: false })).toEqual([])
    expect(lintPythonText('m.py', 'x = 1\ny = {"a": 1}\n', settings())).toEqual([])
  })

  test('lines the formatter removes at the end show as the end of the file', () => {
    const [finding] = lintPythonText('m.py', 'x = 1\n\n\n', settings())
    expect(finding?.message).toBe(
      'ruff format would reformat this file; first difference at line 3: "" → (end of file)',
    )
  })

  test('a byte order mark is neither a format difference nor a column', () => {
    expect(lintPythonText('m.py', '\ufeffx = 1\n', settings())).toEqual([])
    expect(lintPythonText('m.py', '\ufeffimport os\n', settings())[0]?.message).toBe('`os` imported but unused (col 8)')
  })

  test('format settings from the config reach the formatter', () => {
    const text = "x = 'a'\n"
    expect(lintPythonText('m.py', text, settings()).map((f) => f.rule)).toEqual(['format'])
    expect(lintPythonText('m.py', text, settings({ format: { 'quote-style': 'single' } }))).toEqual([])
  })

  test('one Workspace per distinct settings, reused across files', () => {
    const options = { 'line-length': 77 }
    const before = workspaceStats.built
    for (let i = 0; i < 5; i++) lintPythonText(`f${i}.py`, 'x = 1\n', settings({ ...options }))
    expect(workspaceStats.built - before).toBe(1)
  })
})

describe('firstDifference()', () => {
  test('finds the first line that differs, 1-based', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom('a', 'b', ' ') }), { minLength: 1 }),
        fc.nat(),
        (lines, at) => {
          const i = at % lines.length
          const changed = lines.map((l, j) => (j === i ? `${l}!` : l))
          expect(firstDifference(lines.join('\n'), changed.join('\n'))).toEqual({
            line: i + 1,
            actual: lines[i],
            expected: changed[i],
          })
        },
      ),
    )
  })
})
