import { describe, expect, test } from 'vitest'
import { findDebugStatements, pythonSyntaxErrors } from '../../../../src/domain/gates/pre-commit/python-ast-check.ts'
import { hasPython3, python } from './_python.ts'

// Sources on both sides of ast.parse's line, including compile-time errors ast.parse accepts.
const SOURCES = [
  'x = 1\n',
  'def f(:\n  pass\n',
  'print "hi"\n',
  'x = 1\n\tif x:\n',
  'def f(a, a): pass\n',
  'nonlocal x\n',
  'break\n',
  'return 5\n',
  'x: int = 1\nglobal x\n',
  '__debug__ = 1\n',
  'f(**k, *a)\n',
  'del f()\n',
  'f() = 1\n',
  'def f(a=1, b): pass\n',
  'lambda a, a: 1\n',
  'f(a=1, a=2)\n',
  'match x:\n  case [a, a]: pass\n',
  'class A:\n  def f(self):\n    yield from x\n',
  'async def f():\n  yield from x\n',
  'from __future__ import braces\n',
  'import os\nfrom __future__ import annotations\n',
  '*a = b\n',
  'x = (1, 2\n',
  "s = 'unterminated\n",
  'if x:\npass\n',
  'é = "ü"\n',
  'with (a as b, c as d): pass\n',
]

describe('pythonSyntaxErrors()', () => {
  test.skipIf(!hasPython3)('flags exactly the sources CPython 3.11 ast.parse rejects (py311 grammar)', () => {
    const expected = python<boolean[]>(
      'import ast,json,sys\nout=[]\nfor s in json.load(sys.stdin):\n  try:\n    ast.parse(s); out.append(False)\n  except SyntaxError:\n    out.append(True)\nprint(json.dumps(out))',
      SOURCES,
    )
    expect(SOURCES.map((s) => pythonSyntaxErrors(s, 'py311').length > 0)).toEqual(expected)
  })

  test('reports line and message of the first error; version-gated syntax follows the target', () => {
    expect(pythonSyntaxErrors('x = 1\ndef f(:\n')[0]).toMatchObject({
      line: 2,
      message: expect.stringContaining('parameter'),
    })
    expect(pythonSyntaxErrors('type X = int\n', 'py314')).toEqual([])
    expect(pythonSyntaxErrors('type X = int\n', 'py311')[0]?.message).toMatch(/3\.12/)
    expect(pythonSyntaxErrors('x = 1\0\n')[0]?.message).toBe('source code string cannot contain null bytes')
  })
})

const DEBUG_SOURCE = [
  'import pdb',
  'import os, ipdb as dbg',
  'from pudb import set_trace',
  'from .q import x',
  'import pdb.foo',
  'import celery.contrib.rdb',
  'pdb.set_trace()',
  'x = breakpoint()',
  'obj.breakpoint()',
  'def breakpoint(): pass',
  'é = 1; breakpoint(); import wdb',
  'f(breakpoint=1)',
  "s = 'breakpoint()'",
  'if True:',
  '    import rpdb, pydevd_pycharm',
  '    y = [breakpoint() for _ in z]',
  '',
].join('\n')

describe('findDebugStatements()', () => {
  test.skipIf(!hasPython3)("finds what pre-commit-hooks' AST visitor finds, at the same line:col", () => {
    // The upstream rule: Import names and ImportFrom modules in the set, Call of the bare name breakpoint.
    const expected = python<[number, number, string, string][]>(
      [
        'import ast,json,sys',
        "S={'bpdb','ipdb','pdb','pdbr','pudb','pydevd_pycharm','q','rdb','rpdb','wdb'}",
        'out=[]',
        'class V(ast.NodeVisitor):',
        '  def visit_Import(self, n):',
        '    out.extend([n.lineno, n.col_offset, a.name, "imported"] for a in n.names if a.name in S)',
        '  def visit_ImportFrom(self, n):',
        '    if n.module in S: out.append([n.lineno, n.col_offset, n.module, "imported"])',
        '  def visit_Call(self, n):',
        '    if isinstance(n.func, ast.Name) and n.func.id == "breakpoint": out.append([n.lineno, n.col_offset, "breakpoint", "called"])',
        '    self.generic_visit(n)',
        'V().visit(ast.parse(json.load(sys.stdin).encode()))',
        'print(json.dumps(out))',
      ].join('\n'),
      DEBUG_SOURCE,
    )
    const actual = findDebugStatements(DEBUG_SOURCE).map((d) => [d.line, d.col, d.name, d.reason])
    expect(actual).toEqual(expected)
    expect(actual.length).toBeGreaterThan(6)
  })
})
