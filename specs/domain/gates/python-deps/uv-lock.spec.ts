import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { parseUvLock } from '../../../../src/domain/gates/python-deps/uv-lock.ts'

const text = readFileSync(new URL('../../../fixtures/python/ml-repo/uv.lock', import.meta.url), 'utf8')

describe('parseUvLock()', () => {
  const lock = parseUvLock(text, 'uv.lock')

  test('every [[package]] by canonical name, with the line of its name', () => {
    expect([...lock.packages.keys()].sort()).toEqual([
      'datasets',
      'evaluate',
      'ml-repo',
      'numpy',
      'pytest',
      'safetensors',
      'tokenizers',
      'torch',
    ])
    expect(lock.packages.get('tokenizers')).toEqual([{ name: 'tokenizers', version: '0.19.0', line: 67 }])
    expect(lock.problems).toEqual([])
  })

  test('the workspace member and the requirements uv recorded for it, by group', () => {
    expect(lock.inputs).toHaveLength(1)
    expect(lock.inputs[0]!.path).toBe('.')
    expect(lock.inputs[0]!.recorded).toEqual([
      { group: 'eval', name: 'datasets', specifier: '>=2.18,<3', marker: "extra == 'eval'" },
      { group: 'eval', name: 'evaluate', specifier: '==0.4.2', marker: "extra == 'eval'" },
      { group: 'main', name: 'numpy', specifier: '>=1.24,<2' },
      { group: 'main', name: 'safetensors', specifier: '>=0.4' },
      { group: 'main', name: 'tokenizers', specifier: '==0.19.0' },
      { group: 'main', name: 'torch', specifier: '>=2.1' },
      { group: 'dev', name: 'pytest', specifier: '>=8' },
    ])
  })

  test('several versions of one name (per platform or extra) are all kept', () => {
    const forked = parseUvLock(
      'version = 1\n[[package]]\nname = "torch"\nversion = "2.9.1"\n\n[[package]]\nname = "Torch"\nversion = "2.9.1+cu128"\n',
      'uv.lock',
    )
    expect(forked.packages.get('torch')?.map((p) => [p.version, p.line])).toEqual([
      ['2.9.1', 3],
      ['2.9.1+cu128', 7],
    ])
  })

  test('a broken lock is a problem, not a throw', () => {
    expect(parseUvLock('[[package]\nname = "x"', 'uv.lock').problems[0]?.message).toMatch(/^not valid TOML/)
  })
})
