import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { parsePoetryLock } from '../../../../src/domain/gates/python-deps/poetry-lock.ts'

describe('parsePoetryLock()', () => {
  test('every [[package]] with its version and line; the lock pairs with the pyproject beside it', () => {
    const text = readFileSync(new URL('../../../fixtures/python/ml-repo-poetry/poetry.lock', import.meta.url), 'utf8')
    const lock = parsePoetryLock(text, 'poetry.lock')
    expect([...lock.packages.values()].flat().map((p) => `${p.name}==${p.version}@${p.line}`)).toEqual([
      'accelerate==0.30.1@4',
      'datatrove==0.2.0@11',
      'flash-attn==2.5.8@24',
      'numpy==1.26.4@31',
      'pytest==8.2.1@38',
      'torch==2.3.0+cu121@45',
      'transformers==4.39.3@57',
    ])
    expect(lock.inputs).toEqual([{ path: '.' }])
    expect(lock.problems).toEqual([])
  })
})
