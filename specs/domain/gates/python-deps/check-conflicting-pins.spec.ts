import { describe, expect, test } from 'vitest'
import { checkConflictingPins } from '../../../../src/domain/gates/python-deps/check-conflicting-pins.ts'
import { brief, fixtureProject, memoryProject } from './_load.ts'

describe('checkConflictingPins()', () => {
  test('ml-repo: tokenizers pinned ==0.19.1 in pyproject.toml and ==0.15.2 in requirements-serve.txt; nothing else', () => {
    const issues = checkConflictingPins(fixtureProject('ml-repo'))
    expect(brief(issues)).toEqual(['warn conflicting-pins pyproject.toml:9'])
    expect(issues[0]!.message).toBe(
      'tokenizers is pinned to 2 versions: ==0.19.1 (pyproject.toml:9) vs ==0.15.2 (requirements-serve.txt:6)',
    )
  })

  test('a pin outside a range declared in the same project conflicts too; includes join projects across folders', () => {
    const project = memoryProject({
      'requirements.txt': '-r ci/base.txt\nnumpy==1.23.5\n',
      'ci/base.txt': 'numpy>=1.24\n',
    })
    const issues = checkConflictingPins(project)
    expect(brief(issues)).toEqual(['warn conflicting-pins requirements.txt:2'])
    expect(issues[0]!.message).toBe('numpy==1.23.5 (requirements.txt:2) is outside >=1.24 (ci/base.txt:1)')
  })

  test('not conflicts: sibling example folders, CPU/CUDA builds of one release, different markers, equal spellings', () => {
    const project = memoryProject({
      'examples/a/requirements.txt': 'transformers==4.54.0\n',
      'examples/b/requirements.txt': 'transformers==4.55.0\n',
      'requirements-cpu.txt': 'torch==2.1.0+cpu\nnumpy==1.26 ; python_version < "3.12"\nscipy==1.13.0\n',
      'requirements-cuda.txt': 'torch==2.1.0+cu121\nnumpy==2.0 ; python_version >= "3.12"\nscipy==1.13\n',
    })
    expect(checkConflictingPins(project)).toEqual([])
  })
})
