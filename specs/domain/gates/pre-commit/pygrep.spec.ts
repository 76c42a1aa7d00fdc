import { describe, expect, test } from 'vitest'
import { failLanguage, parsePygrepArgs, pygrep } from '../../../../src/domain/gates/pre-commit/pygrep.ts'
import { bin } from './hooks/_file.ts'

const FILES = [
  bin('a.py', 'x = 1\n# NOCOMMIT: later\r\nprint(x)\n'),
  bin('b.py', 'clean\n'),
  bin('c.md', 'nocommit one\nNOCOMMIT two\n'),
]
const run = (pattern: string, args: string[] = [], files = FILES) => pygrep(pattern, files, parsePygrepArgs('h', args))

describe('pygrep()', () => {
  test('line by line: {file}:{line}:{line without its ending}', () => {
    expect(run('NOCOMMIT').problems.map((p) => p.message)).toEqual(['a.py:2:# NOCOMMIT: later', 'c.md:2:NOCOMMIT two'])
    expect(run('^print').failed).toBe(true)
    expect(run('x$').problems.map((p) => p.message)).toEqual([])
    expect(run('1$').problems.map((p) => p.message)).toEqual(['a.py:1:x = 1'])
  })

  test('--ignore-case, --negate (files without any match), --multiline', () => {
    expect(run('nocommit', ['-i']).problems.map((p) => p.message)).toEqual([
      'a.py:2:# NOCOMMIT: later',
      'c.md:1:nocommit one',
      'c.md:2:NOCOMMIT two',
    ])
    expect(run('NOCOMMIT', ['--negate']).problems.map((p) => p.message)).toEqual(['b.py'])
    expect(run('one\\nnocommit', ['--multiline', '-i']).problems.map((p) => p.message)).toEqual([
      'c.md:1:nocommit one\nNOCOMMIT',
    ])
    expect(run('^clean$', ['--multiline', '--negate']).problems.map((p) => p.path)).toEqual(['a.py', 'c.md'])
  })

  test('bytes semantics: UTF-8 pattern against UTF-8 files, non-UTF-8 bytes survive', () => {
    const files = [bin('u.txt', 'caf\xc3\xa9\n'), bin('l.txt', 'caf\xe9\n')]
    expect(run('café', [], files).problems.map((p) => p.path)).toEqual(['u.txt'])
    expect(run('caf\\xe9', [], files).problems.map((p) => p.path)).toEqual(['l.txt'])
  })
})

describe('failLanguage()', () => {
  test('fails naming each file after the entry', () => {
    expect(failLanguage('no .rej files', ['x.rej'])).toEqual({
      failed: true,
      problems: [{ path: 'x.rej', message: 'no .rej files\nx.rej' }],
      fixes: new Map(),
    })
  })
})
