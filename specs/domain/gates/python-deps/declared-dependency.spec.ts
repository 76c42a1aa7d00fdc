import { describe, expect, test } from 'vitest'
import {
  type DeclaredDependency,
  directReference,
  fromRequirement,
  pinKind,
  satisfiedBy,
} from '../../../../src/domain/gates/python-deps/declared-dependency.ts'
import { parseRequirement } from '../../../../src/domain/gates/python-deps/pep508-requirement.ts'

const declare = (text: string): DeclaredDependency =>
  fromRequirement(parseRequirement(text), {
    file: 'requirements.txt',
    line: 1,
    section: 'requirements',
    group: 'main',
    runtime: true,
    text,
  })

describe('pinKind()', () => {
  test.each([
    ['torch==2.1.0', 'exact'],
    ['torch===2.1.0', 'exact'],
    ['torch>=2.1,<2.2', 'bounded'],
    ['torch~=2.1', 'bounded'],
    ['torch==2.1.*', 'bounded'],
    ['torch>=2.1', 'no-upper'],
    ['torch>2.1,!=2.2', 'no-upper'],
    ['numpy<2', 'no-lower'],
    ['numpy', 'unconstrained'],
    ['numpy!=1.25', 'unconstrained'],
    ['x @ git+https://github.com/o/x.git', 'moving-ref'],
    ['x @ git+https://github.com/o/x.git@main', 'moving-ref'],
    ['x @ git+https://github.com/o/x.git@v1.2.0', 'fixed-ref'],
    ['x @ git+https://github.com/o/x.git@0123456789abcdef0123456789abcdef01234567', 'fixed-ref'],
    ['x @ https://github.com/o/x/archive/refs/heads/main.zip', 'moving-ref'],
    ['x @ https://github.com/o/x/archive/refs/tags/v0.3.zip', 'fixed-ref'],
    ['x @ file:///opt/wheels/x-1.0-py3-none-any.whl', 'path'],
  ])('%s is %s', (text, kind) => {
    expect(pinKind(declare(text))).toBe(kind)
  })

  test('Poetry alternatives: the loosest one decides', () => {
    const dep = declare('torch==2.1.0')
    dep.alternatives = [...dep.alternatives, ...declare('torch>=3').alternatives]
    expect(pinKind(dep)).toBe('no-upper')
  })
})

describe('satisfiedBy()', () => {
  test('versions, local builds and pre-releases as an installer sees them', () => {
    expect(satisfiedBy(declare('torch==2.1.0'), '2.1.0+cu121')).toBe(true)
    expect(satisfiedBy(declare('torch>=2.1'), '2.2.0rc1')).toBe(true)
    expect(satisfiedBy(declare('torch>=2.1,<2.2'), '2.2.0')).toBe(false)
  })
})

describe('directReference()', () => {
  test('VCS URLs keep their ref; user@host is not a ref', () => {
    expect(directReference('git+ssh://git@github.com/o/r.git@v1.0#egg=r')).toEqual({
      kind: 'vcs',
      location: 'git+ssh://git@github.com/o/r.git@v1.0#egg=r',
      ref: 'v1.0',
    })
    expect(directReference('git+ssh://git@github.com/o/r.git').ref).toBeUndefined()
    expect(directReference('./vendor/pkg').kind).toBe('path')
    expect(directReference('https://e.org/x-1.0.tar.gz').kind).toBe('archive')
  })
})
