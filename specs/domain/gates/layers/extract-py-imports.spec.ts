import { execFileSync, spawnSync } from 'node:child_process'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { extractPyImports } from '../../../../src/domain/gates/layers/extract-py-imports.ts'

/** `specifier [names] [type]` per import, in order. */
function imports(text: string): string[] {
  return extractPyImports(text).map(
    (i) => `${i.specifier}${i.names ? ` [${i.names.join(',')}]` : ''}${i.typeOnly ? ' type' : ''}`,
  )
}

const python = spawnSync('python3', ['--version']).status === 0

describe('extractPyImports()', () => {
  test('import, from-import, relative, aliases, several per statement, with line and column', () => {
    const text = [
      'import os', // 1
      'import a.b as c, d',
      'from x.y import z',
      'from . import sibling',
      'from ..parent import (p1,', // 5
      '    p2 as q,',
      ')',
      'from ... import star',
      'from .mod import *',
      'x = 1; import after_semicolon', // 10
      'try: import in_try',
      'except ImportError: from fallback import it',
    ].join('\n')
    expect(extractPyImports(text)).toEqual([
      { specifier: 'os', kind: 'py-import', line: 1, column: 8, typeOnly: false },
      { specifier: 'a.b', kind: 'py-import', line: 2, column: 8, typeOnly: false },
      { specifier: 'd', kind: 'py-import', line: 2, column: 18, typeOnly: false },
      { specifier: 'x.y', kind: 'py-from', line: 3, column: 6, typeOnly: false, names: ['z'] },
      { specifier: '.', kind: 'py-from', line: 4, column: 6, typeOnly: false, names: ['sibling'] },
      { specifier: '..parent', kind: 'py-from', line: 5, column: 6, typeOnly: false, names: ['p1', 'p2'] },
      { specifier: '...', kind: 'py-from', line: 8, column: 6, typeOnly: false, names: ['star'] },
      { specifier: '.mod', kind: 'py-from', line: 9, column: 6, typeOnly: false, names: ['*'] },
      { specifier: 'after_semicolon', kind: 'py-import', line: 10, column: 15, typeOnly: false },
      { specifier: 'in_try', kind: 'py-import', line: 11, column: 13, typeOnly: false },
      { specifier: 'fallback', kind: 'py-from', line: 12, column: 26, typeOnly: false, names: ['it'] },
    ])
  })

  test('imports inside functions and classes count; TYPE_CHECKING blocks are type-only, their else is not', () => {
    const text = `
from typing import TYPE_CHECKING
import typing

if TYPE_CHECKING:
    from app.models import User
    if True:
        import nested.deep
else:
    import runtime_branch

def f():
    import inside_function
    if typing.TYPE_CHECKING:
        from .types import T

    # a comment at column 0 does not end the block
    return 1

class K:
    from klass import member

if TYPE_CHECKING: import one_line
import top_again
elif_case = 1
if x:
    pass
elif TYPE_CHECKING:
    import via_elif
`
    expect(imports(text)).toEqual([
      'typing [TYPE_CHECKING]',
      'typing',
      'app.models [User] type',
      'nested.deep type',
      'runtime_branch',
      'inside_function',
      '.types [T] type',
      'klass [member]',
      'one_line type',
      'top_again',
      'via_elif type',
    ])
  })

  test('nothing inside strings, docstrings, f-strings or comments', () => {
    const text = [
      '"""Module docstring.',
      'import not_this',
      'from not_that import x',
      '"""',
      "s = 'import quoted'",
      'b = rb"from raw import bytes"',
      't = f\'{d["import nested"]} import {x!r:>{width}}\'',
      'u = f"{\'{\'}" ; import after_fstring',
      'c = 1  # import commented',
      "long = '''",
      'from inside_triple import y',
      "'''",
      'call(from_kw=1, import_kw=2)',
      'yield_from = 0',
      'raise Err() from cause',
      'import real',
    ].join('\n')
    expect(imports(text)).toEqual(['after_fstring', 'real'])
  })

  test('backslash continuations and bracket joins', () => {
    expect(imports('import a, \\\n    b\nfrom c import (\n  d,  # why\n  e)\n')).toEqual(['a', 'b', 'c [d,e]'])
  })

  test('property: imports surrounded by generated strings, docstrings and comments are found exactly', () => {
    const fake = fc.constantFrom('import fake', 'from fake import x', 'from . import fake', '\' " \\ { }')
    const noise = fake.chain((f) =>
      fc.constantFrom(
        `# ${f}`,
        `s = '${f.replace(/['\\]/g, '')}'`,
        `s = "${f.replace(/["\\]/g, '')}"`,
        `"""\n${f.replace(/"/g, '')}\n"""`,
        `s = f'{1}${f.replace(/['\\{}]/g, '')}{"x"}'`,
        `s = r'${f.replace(/['\\]/g, '')}'`,
      ),
    )
    const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/).filter((n) => !KEYWORDS.has(n))
    const real = fc.record({ mod: name, form: fc.constantFrom('import', 'from', 'relative') })
    fc.assert(
      fc.property(fc.array(fc.tuple(noise, real), { minLength: 1, maxLength: 8 }), (parts) => {
        const statement = (r: { mod: string; form: string }) =>
          r.form === 'import'
            ? `import ${r.mod}`
            : r.form === 'from'
              ? `from ${r.mod} import y`
              : `from .${r.mod} import y`
        const text = parts.map(([n, r]) => `${n}\n${statement(r)}\n`).join('')
        const expected = parts.map(([, r]) => (r.form === 'relative' ? `.${r.mod}` : r.mod))
        expect(extractPyImports(text).map((i) => i.specifier)).toEqual(expected)
      }),
      { numRuns: 300 },
    )
  })

  test.skipIf(!python)('agrees with Python’s own ast on a module exercising every form (skips without python3)', () => {
    const text = [
      'from __future__ import annotations',
      'import os.path as p, sys',
      'from typing import TYPE_CHECKING',
      'if TYPE_CHECKING:',
      '    from .a import (b,',
      '        c)',
      'def f(x=f"{1}"):',
      '    """import doc"""',
      '    from ..up import z; import w',
      '    return {"import": 1}',
      'class C:',
      '    import m.n',
      'v = 1 if 2 else 3',
      'if v: import q',
    ].join('\n')
    const script = [
      'import ast, json, sys',
      'def tc(t): return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING")',
      'out = []',
      'def visit(n, typed):',
      '    if isinstance(n, ast.If) and tc(n.test):',
      '        [visit(c, True) for c in n.body]; [visit(c, typed) for c in n.orelse]; return',
      '    if isinstance(n, ast.Import): out.extend([a.name, typed, None] for a in n.names)',
      '    if isinstance(n, ast.ImportFrom): out.append(["." * n.level + (n.module or ""), typed, [a.name for a in n.names]])',
      '    [visit(c, typed) for c in ast.iter_child_nodes(n)]',
      'visit(ast.parse(sys.stdin.read()), False)',
      'print(json.dumps(out))',
    ].join('\n')
    const truth = JSON.parse(execFileSync('python3', ['-c', script], { input: text, encoding: 'utf8' }))
    const ours = extractPyImports(text).map((i) => [i.specifier, i.typeOnly, i.names ?? null])
    expect(ours).toEqual(truth)
  })
})

// Python's keywords (`import keyword; keyword.kwlist`): not module names.
const KEYWORDS = new Set(
  'and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(
    ' ',
  ),
)
