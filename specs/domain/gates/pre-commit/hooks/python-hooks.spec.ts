import { describe, expect, test } from 'vitest'
import { checkAst } from '../../../../../src/domain/gates/pre-commit/hooks/check-ast.ts'
import { debugStatements } from '../../../../../src/domain/gates/pre-commit/hooks/debug-statements.ts'
import {
  nameTestsTestHook,
  parseNameTestsArgs,
} from '../../../../../src/domain/gates/pre-commit/hooks/name-tests-test.ts'
import { decodePythonSource } from '../../../../../src/domain/gates/pre-commit/hooks/python-source.ts'
import { userErrorFrom } from '../../../../support/user-error.ts'
import { bin } from './_file.ts'

describe('checkAst()', () => {
  test('valid Python passes; a syntax error names file and line', () => {
    expect(checkAst(bin('ok.py', 'def f():\n    return 1\n'))).toEqual({ problems: [] })
    const [p] = checkAst(bin('bad.py', 'x = 1\nif True\n    pass\n')).problems
    expect(p?.line).toBe(2)
    expect(p?.message).toMatch(
      /^bad\.py: failed parsing with ruff \(Python 3\.14 grammar\):\n {4}SyntaxError: .+ \(bad\.py, line 2\)$/,
    )
  })

  test('source decoding as ast.parse: BOM, PEP 263 cookie, invalid UTF-8', () => {
    expect(checkAst(bin('bom.py', '\xef\xbb\xbfx = 1\n')).problems).toEqual([])
    expect(checkAst(bin('l1.py', '# -*- coding: latin-1 -*-\nx = "\xe9"\n')).problems).toEqual([])
    expect(checkAst(bin('bad.py', 'x = "\xe9"\n')).problems[0]?.message).toContain(
      "SyntaxError: (unicode error) 'utf-8' codec can't decode byte 0xe9 in position 5: invalid continuation byte",
    )
    expect(decodePythonSource(new Uint8Array(Buffer.from('# coding: klingon\n')))).toEqual({
      error: 'unknown encoding: klingon',
    })
  })
})

describe('debugStatements()', () => {
  test('upstream output format {file}:{line}:{col}: {name} imported|called', () => {
    const verdict = debugStatements(
      bin('m.py', 'import pdb\n\ndef f():\n    breakpoint()\n    from ipdb import set_trace\n'),
    )
    expect(verdict.problems.map((p) => p.message)).toEqual([
      'm.py:1:0: pdb imported',
      'm.py:4:4: breakpoint called',
      'm.py:5:4: ipdb imported',
    ])
    expect(debugStatements(bin('ok.py', 'import pdbx\nx.breakpoint()\n')).problems).toEqual([])
  })

  test('a file that does not parse: "Could not parse ast"', () => {
    expect(debugStatements(bin('bad.py', 'def f(:\n')).problems[0]?.message).toMatch(
      /^bad\.py - Could not parse ast\n\n\tSyntaxError: /,
    )
  })
})

describe('name-tests-test', () => {
  const files = [
    'tests/test_a.py',
    'tests/a_test.py',
    'tests/__init__.py',
    'tests/conftest.py',
    'tests/helpers.py',
    'tests/testing.py',
  ]
  const failing = (args: string[]) =>
    nameTestsTestHook
      .run(
        files.map((f) => bin(f, '')),
        args,
        {},
      )
      .problems.map((p) => p.path)
  test('--pytest (default), --pytest-test-first, --django / --unittest', () => {
    expect(failing([])).toEqual(['tests/test_a.py', 'tests/helpers.py', 'tests/testing.py'])
    expect(failing(['--pytest-test-first'])).toEqual(['tests/a_test.py', 'tests/helpers.py', 'tests/testing.py'])
    expect(failing(['--django'])).toEqual(['tests/a_test.py', 'tests/helpers.py'])
    expect(failing(['--unittest'])).toEqual(['tests/a_test.py', 'tests/helpers.py'])
    expect(nameTestsTestHook.run([bin('tests/x.py', '')], [], {}).problems[0]?.message).toBe(
      'tests/x.py does not match pattern ".*_test\\.py"',
    )
    expect(userErrorFrom(() => parseNameTestsArgs(['--nose'])).code).toBe('PRE_COMMIT_HOOK_ARGS')
  })
})
