import { describe, expect, test } from 'vitest'
import {
  loadRuffChain,
  minimumTargetVersion,
  type ReadText,
  requiresPythonIn,
  ruffChainPaths,
  ruffConfigIn,
} from '../../../../src/domain/gates/python-lint/load-ruff-chain.ts'

function reader(files: Record<string, string>): ReadText {
  return (path) => files[path]
}

describe('ruffConfigIn()', () => {
  test('.ruff.toml over ruff.toml over pyproject.toml', () => {
    const all = { 'a/.ruff.toml': '', 'a/ruff.toml': '', 'a/pyproject.toml': '[tool.ruff]\n' }
    expect(ruffConfigIn('a', reader(all))).toBe('a/.ruff.toml')
    expect(ruffConfigIn('a', reader({ ...all, 'a/.ruff.toml': undefined as never }))).toBe('a/ruff.toml')
    expect(ruffConfigIn('a', reader({ 'a/pyproject.toml': '[tool.ruff]\n' }))).toBe('a/pyproject.toml')
  })

  test('a pyproject.toml without [tool.ruff] is not a ruff config', () => {
    expect(ruffConfigIn('', reader({ 'pyproject.toml': '[project]\nname = "x"\n[tool.black]\n' }))).toBeUndefined()
    expect(ruffConfigIn('', reader({ 'pyproject.toml': '[tool.ruff.lint]\nselect = ["E"]\n' }))).toBe('pyproject.toml')
  })

  test('a pyproject.toml that is not TOML is a UserError naming the file and line', () => {
    expect(() => ruffConfigIn('', reader({ 'pyproject.toml': '[tool.ruff]\nline-length = \n' }))).toThrow(
      /^pyproject\.toml:2:\d+ is not valid TOML/,
    )
  })
})

describe('loadRuffChain()', () => {
  test('follows extend relative to each file, nearest first', () => {
    const chain = loadRuffChain(
      'pkg/ruff.toml',
      reader({
        'pkg/ruff.toml': 'extend = "../configs/base.toml"\nline-length = 100\n',
        'configs/base.toml': 'extend = "core/pyproject.toml"\n',
        'configs/core/pyproject.toml': '[tool.ruff]\nline-length = 80\n',
      }),
    )
    expect(chain.map((c) => [c.file, c.dir])).toEqual([
      ['pkg/ruff.toml', 'pkg'],
      ['configs/base.toml', 'configs'],
      ['configs/core/pyproject.toml', 'configs/core'],
    ])
    expect(chain[2]?.options).toEqual({ 'line-length': 80 })
  })

  test('a cycle is refused, naming the chain', () => {
    const read = reader({ 'a.toml': 'extend = "b/b.toml"\n', 'b/b.toml': 'extend = "../a.toml"\n' })
    expect(() => loadRuffChain('a.toml', read)).toThrow(
      'circular ruff configuration: a.toml extends b/b.toml extends a.toml',
    )
  })

  test('a missing extend target is refused, naming the file that points to it', () => {
    expect(() => loadRuffChain('ruff.toml', reader({ 'ruff.toml': 'extend = "base.toml"\n' }))).toThrow(
      'ruff.toml: `extend` names base.toml, which does not exist',
    )
  })

  test('a pyproject.toml without target-version takes it from requires-python', () => {
    const chain = loadRuffChain(
      'pyproject.toml',
      reader({ 'pyproject.toml': '[project]\nrequires-python = ">=3.11"\n[tool.ruff]\n' }),
    )
    expect(chain[0]?.options).toEqual({ 'target-version': 'py311' })
  })
})

describe('minimumTargetVersion()', () => {
  test.each([
    ['>=3.10', 'py310'],
    ['>=3.9,<4', 'py39'],
    ['~=3.8', 'py38'],
    ['>3.9', 'py39'], // ruff truncates to major.minor and does not bump
    ['==3.12.*', 'py312'],
    ['<3.12', undefined],
    ['>=2.7', undefined],
    ['>=3.10, !=3.10.1', 'py310'],
  ])('%s → %s', (spec, version) => {
    expect(minimumTargetVersion(spec)).toBe(version)
  })

  test('requiresPythonIn() reads project.requires-python', () => {
    expect(requiresPythonIn('', reader({ 'pyproject.toml': '[project]\nrequires-python = ">=3.12"\n' }))).toBe('py312')
    expect(requiresPythonIn('', reader({}))).toBeUndefined()
  })
})

describe('ruffChainPaths()', () => {
  test('follows `extend` from each file’s folder, up to and including a missing link', () => {
    const files = {
      'pyproject.toml': '[tool.ruff]\nextend = "configs/ruff.toml"\n',
      'configs/ruff.toml': 'extend = "../shared/base.toml"\n',
    }
    expect(ruffChainPaths('pyproject.toml', reader(files))).toEqual([
      'pyproject.toml',
      'configs/ruff.toml',
      'shared/base.toml',
    ])
    expect(ruffChainPaths('pyproject.toml', reader({ ...files, 'shared/base.toml': 'line-length = 100\n' }))).toEqual([
      'pyproject.toml',
      'configs/ruff.toml',
      'shared/base.toml',
    ])
  })

  test('stops before a cycle and at a file that is not TOML, without throwing', () => {
    expect(
      ruffChainPaths('a.toml', reader({ 'a.toml': 'extend = "b.toml"\n', 'b.toml': 'extend = "a.toml"\n' })),
    ).toEqual(['a.toml', 'b.toml'])
    expect(ruffChainPaths('a.toml', reader({ 'a.toml': 'extend = \n' }))).toEqual(['a.toml'])
  })
})
