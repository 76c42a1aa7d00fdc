import { describe, expect, test } from 'vitest'
import { writePythonTree } from '../../../src/app/bench/python-tree.ts'
import { PYTHON_LINT_DEFAULTS, scanPythonLint } from '../../../src/domain/gates/python-lint/python-lint-gate.ts'
import { tempDir } from '../../domain/gates/_temp-repo.ts'

describe('writePythonTree()', () => {
  test('writes the asked number of Python files: valid, ruff-formatted, with the planted violations found', () => {
    const root = tempDir('python-tree-')
    const tree = writePythonTree(root, 120)
    expect(tree.files).toHaveLength(120)
    expect(tree.files.every((f) => f.endsWith('.py'))).toBe(true)
    const findings = scanPythonLint(root, tree.files, PYTHON_LINT_DEFAULTS).findings
    const rules = new Set(findings.map((f) => f.rule))
    expect(rules.has('invalid-syntax')).toBe(false)
    // Formatted as ruff formats, but for the planted trailing spaces.
    const unformatted = new Set(findings.filter((f) => f.rule === 'format').map((f) => f.file))
    const trailing = new Set(findings.filter((f) => f.rule === 'W291').map((f) => f.file))
    expect(unformatted).toEqual(trailing)
    for (const planted of Object.keys(tree.planted).filter((k) => !k.startsWith('pyright'))) {
      expect(rules, planted).toContain(planted.split(' ')[0])
    }
  })

  test('the same seed writes the same tree', () => {
    const a = writePythonTree(tempDir('python-tree-'), 30, 7)
    const b = writePythonTree(tempDir('python-tree-'), 30, 7)
    expect(a).toEqual(b)
  })
})
