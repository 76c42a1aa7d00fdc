import { describe, expect, test } from 'vitest'
import { readRequirementsTree, resolveInclude } from '../../../../src/domain/gates/python-deps/requirements-includes.ts'

const FILES: Record<string, string> = {
  'requirements.txt': '-r requirements/base.txt\n-c constraints.txt\ntorch\n',
  'requirements/base.txt': '-r ../common.txt\nnumpy>=1.24\n',
  'common.txt': 'tqdm\n-r requirements.txt\n',
  'constraints.txt': 'torch==2.1.0\n-r more-constraints.txt\n',
  'more-constraints.txt': 'tqdm==4.66.0\n',
  'dev.txt': '-r missing.txt\n-r https://example.org/r.txt\n-r ../../outside.txt\n-r requirements/base.txt\n',
}
const read = (path: string) => FILES[path]

describe('readRequirementsTree()', () => {
  test('follows -r and -c relative to the including file, and marks constraint files', () => {
    const tree = readRequirementsTree(['requirements.txt'], read)
    expect(tree.closures.get('requirements.txt')).toEqual([
      'requirements.txt',
      'requirements/base.txt',
      'common.txt',
      'constraints.txt',
      'more-constraints.txt',
    ])
    expect([...tree.constraintFiles].sort()).toEqual(['constraints.txt', 'more-constraints.txt'])
  })

  test('reports a cycle at the include that closes it, once, and stops there', () => {
    const tree = readRequirementsTree(['requirements.txt', 'requirements/base.txt'], read)
    expect(tree.problems).toEqual([
      {
        rule: 'include-cycle',
        file: 'common.txt',
        line: 2,
        message:
          '-r requirements.txt includes requirements.txt → requirements/base.txt → common.txt → requirements.txt: pip recurses until it fails',
      },
      {
        rule: 'include-cycle',
        file: 'requirements.txt',
        line: 1,
        message:
          '-r requirements/base.txt includes requirements/base.txt → common.txt → requirements.txt → requirements/base.txt: pip recurses until it fails',
      },
    ])
  })

  test('a missing, remote or outside include is reported, the rest is read', () => {
    const tree = readRequirementsTree(['dev.txt'], read)
    expect(tree.problems.map((p) => [p.rule, p.line])).toEqual([
      ['include-missing', 1],
      ['include-missing', 2],
      ['include-missing', 3],
      ['include-cycle', 1],
    ])
    expect(tree.files.has('requirements/base.txt')).toBe(true)
  })
})

describe('resolveInclude()', () => {
  test.each([
    ['requirements.txt', 'base.txt', 'base.txt'],
    ['reqs/gpu.txt', './base.txt', 'reqs/base.txt'],
    ['reqs/gpu.txt', '../base.txt', 'base.txt'],
    ['reqs/gpu.txt', '..\\base.txt', 'base.txt'],
    ['gpu.txt', '../base.txt', undefined],
    ['gpu.txt', '/etc/base.txt', undefined],
    ['gpu.txt', 'https://e.org/base.txt', undefined],
  ])('%s includes %s → %s', (from, target, expected) => {
    expect(resolveInclude(from, target)).toBe(expected)
  })
})
