import { describe, expect, test } from 'vitest'
import { linePattern, parseLines } from '../../../../../src/domain/gates/command/parse/parse-lines.ts'
import { userErrorFrom } from '../../../../support/user-error.ts'

const parse = (pattern: string, output: string) => parseLines(output, linePattern(pattern, 'gates.x.pattern'))

describe('parseLines()', () => {
  test('mypy: errors with codes, notes kept as notes, the summary line ignored', () => {
    const out = [
      'src/model.py:12: error: Incompatible return value type (got "int", expected "str")  [return-value]',
      'src/model.py:12: note: See https://mypy.rtfd.io/en/stable/_refs.html#code-return-value',
      'src/data.py:3:5: error: Name "np" is not defined  [name-defined]',
      'Found 2 errors in 2 files (checked 7 source files)',
    ].join('\n')
    expect(parse('mypy', out)).toEqual([
      {
        file: 'src/model.py',
        line: 12,
        severity: 'error',
        rule: 'return-value',
        message: 'Incompatible return value type (got "int", expected "str")',
      },
      {
        file: 'src/model.py',
        line: 12,
        severity: 'note',
        message: 'See https://mypy.rtfd.io/en/stable/_refs.html#code-return-value',
      },
      {
        file: 'src/data.py',
        line: 3,
        col: 5,
        severity: 'error',
        rule: 'name-defined',
        message: 'Name "np" is not defined',
      },
    ])
  })

  test('gcc, eslint compact, pylint, flake8 and tsc shapes', () => {
    expect(parse('gcc', "kernel.cu:40:13: warning: unused variable 'tid' [-Wunused-variable]")).toEqual([
      { file: 'kernel.cu', line: 40, col: 13, severity: 'warn', message: "unused variable 'tid' [-Wunused-variable]" },
    ])
    expect(
      parse(
        'eslint-compact',
        '/repo/web/app.js: line 3, col 7, Error - Unexpected var, use let or const instead. (no-var)',
      ),
    ).toEqual([
      {
        file: '/repo/web/app.js',
        line: 3,
        col: 7,
        severity: 'error',
        rule: 'no-var',
        message: 'Unexpected var, use let or const instead.',
      },
    ])
    expect(
      parse(
        'pylint',
        'train.py:10:0: C0116: Missing function or method docstring (missing-function-docstring)\ntrain.py:22:4: E1101: Module has no member (no-member)',
      ),
    ).toEqual([
      {
        file: 'train.py',
        line: 10,
        rule: 'C0116',
        severity: 'warn',
        message: 'Missing function or method docstring (missing-function-docstring)',
      },
      {
        file: 'train.py',
        line: 22,
        col: 4,
        rule: 'E1101',
        severity: 'error',
        message: 'Module has no member (no-member)',
      },
    ])
    expect(parse('flake8', "train.py:1:1: F401 'os' imported but unused")).toEqual([
      { file: 'train.py', line: 1, col: 1, rule: 'F401', message: "'os' imported but unused" },
    ])
    expect(parse('tsc', "src/a.ts(3,7): error TS2322: Type 'number' is not assignable to type 'string'.")).toEqual([
      {
        file: 'src/a.ts',
        line: 3,
        col: 7,
        severity: 'error',
        rule: 'TS2322',
        message: "Type 'number' is not assignable to type 'string'.",
      },
    ])
  })

  test('a regex with named groups, Python (?P<…>) spelling too', () => {
    const out = 'WARN [style] docs/a.md@7: line too long\nINFO nothing here\nERROR [links] docs/b.md@2: dead link'
    const re = '^(?P<severity>WARN|ERROR) \\[(?P<rule>\\w+)\\] (?P<file>[^@]+)@(?P<line>\\d+): (?P<message>.*)$'
    expect(parse(re, out)).toEqual([
      { file: 'docs/a.md', line: 7, rule: 'style', severity: 'warn', message: 'line too long' },
      { file: 'docs/b.md', line: 2, rule: 'links', severity: 'error', message: 'dead link' },
    ])
  })

  test('a bad regex, or one naming no file or message, is a user error naming the field', () => {
    expect(userErrorFrom(() => linePattern('(?<file>', 'gates.lint2.pattern')).message).toMatch(
      /^gates\.lint2\.pattern: "\(\?<file>" is neither a named pattern nor a valid regex/,
    )
    expect(userErrorFrom(() => linePattern('(\\d+)', 'gates.lint2.pattern')).hint).toContain('(?<file>')
  })
})
