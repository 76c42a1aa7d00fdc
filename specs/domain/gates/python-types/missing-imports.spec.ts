import { describe, expect, test } from 'vitest'
import { applyMissingImports, splitMissingImports } from '../../../../src/domain/gates/python-types/missing-imports.ts'
import type { PyrightDiagnostic } from '../../../../src/domain/gates/python-types/run-pyright.ts'

function d(
  file: string,
  line: number,
  rule: string,
  message: string,
  severity: PyrightDiagnostic['severity'] = 'error',
): PyrightDiagnostic {
  return { file, line, column: 1, rule, message, severity }
}

const DIAGNOSTICS = [
  d('a.py', 1, 'reportMissingImports', 'Import "torch" could not be resolved'),
  d('a.py', 2, 'reportMissingImports', 'Import "torch.nn.functional" could not be resolved'),
  d('b.py', 3, 'reportMissingImports', 'Import "torch" could not be resolved'),
  d('b.py', 4, 'reportMissingModuleSource', 'Import "yaml" could not be resolved from source', 'warning'),
  d('b.py', 5, 'reportMissingImports', 'Import "sklearn.metrics" could not be resolved'),
  d('b.py', 6, 'reportMissingImports', 'Import ".sibling" could not be resolved'),
  d('b.py', 7, 'reportArgumentType', 'Argument of type "str" cannot be assigned'),
]

describe('splitMissingImports()', () => {
  test('groups absolute imports by top-level package, keeps relative ones and the rest', () => {
    const { missing, rest } = splitMissingImports(DIAGNOSTICS)
    expect(missing.map((m) => [m.name, m.pip, m.sites.length])).toEqual([
      ['sklearn', 'scikit-learn', 1],
      ['torch', 'torch', 3],
      ['yaml', 'PyYAML', 1],
    ])
    expect(rest.map((r) => r.line)).toEqual([6, 7])
  })
})

describe('applyMissingImports()', () => {
  test('warn-once: one warning per package, at its first import, with the pip line', () => {
    const { diagnostics, findings } = applyMissingImports(DIAGNOSTICS, 'warn-once')
    expect(diagnostics.map((r) => r.line)).toEqual([6, 7])
    expect(findings.map((f) => [f.rule, f.severity, f.file, f.line])).toEqual([
      ['missing-import', 'warn', 'b.py', 5],
      ['missing-import', 'warn', 'a.py', 1],
      ['missing-import', 'warn', 'b.py', 4],
    ])
    expect(findings[1]?.message).toBe(
      '"torch" is not installed in the Python environment pyright uses (imported 3 times in 2 files); its type errors go unchecked',
    )
    expect(findings[0]?.remediation).toMatch(/^pip install scikit-learn /)
  })

  test('ignore drops them silently; error keeps them as pyright reports them', () => {
    expect(applyMissingImports(DIAGNOSTICS, 'ignore')).toEqual({ diagnostics: DIAGNOSTICS.slice(5), findings: [] })
    expect(applyMissingImports(DIAGNOSTICS, 'error')).toEqual({ diagnostics: DIAGNOSTICS, findings: [] })
  })
})
