import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  bodyWithoutDocstring,
  isDocstring,
  type PyNode,
  readPythonBlocks,
  walkPython,
} from '../../../../src/domain/gates/placeholders/python-blocks.ts'
import { findPythonStubs } from '../../../../src/domain/gates/placeholders/python-stubs.ts'

/** `kind name@line` for each node, indented by depth. */
function outline(node: PyNode, depth = 0): string[] {
  return node.body.flatMap((child) => [
    `${'  '.repeat(depth)}${child.kind}${child.name ? ` ${child.name}` : ''}@${child.line.first + 1}`,
    ...outline(child, depth + 1),
  ])
}

describe('readPythonBlocks()', () => {
  test('nests statements by indentation, attaches decorators and reads class bases', () => {
    const module = readPythonBlocks(
      [
        'import torch',
        '',
        '@dataclass(frozen=True)',
        'class Config(Base, metaclass=ABCMeta):',
        '    """Docs."""',
        '    @property',
        '    def size(self) -> int:  # comment',
        '        if self.n:',
        '            return 1',
        '        else:',
        '            return 2',
        'def f(): pass',
      ].join('\n'),
    )
    expect(outline(module)).toEqual([
      'stmt@1',
      'class Config@4',
      '  stmt@5',
      '  def size@7',
      '    if@8',
      '      stmt@9',
      '    else@10',
      '      stmt@11',
      'def f@12',
      '  stmt@12',
    ])
    const cls = module.body[1] as PyNode
    expect(cls.decorators).toEqual(['dataclass(frozen=True)'])
    expect(cls.bases).toBe('Base, metaclass=ABCMeta')
    expect((cls.body[1] as PyNode).decorators).toEqual(['property'])
    expect(isDocstring(cls.body[0] as PyNode)).toBe(true)
    expect(bodyWithoutDocstring(cls).map((n) => n.name)).toEqual(['size'])
  })

  test('one logical line spans brackets, backslashes and triple-quoted strings; strings are kept apart', () => {
    const module = readPythonBlocks(
      [
        'x = call(1,',
        '  "a # not a comment",',
        ')  # a comment',
        "s = r'''one",
        "two''' + f\"{x}\"",
        'y = 1 + \\',
        '  2',
      ].join('\n'),
    )
    const lines = [...walkPython(module)].map((n) => [n.line.first + 1, n.line.last + 1, n.line.code, n.line.strings])
    expect(lines).toEqual([
      [1, 3, 'x = call(1,   "", )', ['a # not a comment']],
      [4, 5, 's = r\'\' + f""', ['one\ntwo', '{x}']],
      [6, 7, 'y = 1 +    2', []],
    ])
  })

  test('match/case are soft keywords: `match = 1` is a plain statement', () => {
    const module = readPythonBlocks(['match = 1', 'match command.split():', '    case [x]:', '        pass'].join('\n'))
    expect(outline(module)).toEqual(['stmt@1', 'match@2', '  case@3', '    stmt@4'])
  })
})

describe('findPythonStubs() (property)', () => {
  test('never throws on arbitrary Python-ish text, and reports lines of the text in order', () => {
    const piece = fc.constantFrom(
      'def f():',
      'class C(ABC):',
      '    ',
      '\t',
      'pass',
      '...',
      '"""',
      "'",
      '"',
      '(',
      ')',
      '\\',
      '#',
      '@abstractmethod',
      `raise ${['NotImplemented', 'Error'].join('')}("x")`,
      'if x:',
      'else:',
      '\n',
      '\r\n',
    )
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 80 }), (pieces) => {
        const text = pieces.join('')
        const found = findPythonStubs(text)
        const lines = text.split('\n').length
        for (const s of found) {
          expect(s.line).toBeGreaterThanOrEqual(1)
          expect(s.line).toBeLessThanOrEqual(lines)
        }
        expect(found.map((s) => s.line)).toEqual([...found.map((s) => s.line)].sort((a, b) => a - b))
      }),
      { numRuns: 300 },
    )
  })
})
