import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import {
  environmentFingerprint,
  findPythonEnvironment,
  installedDistributions,
  venvMarkers,
} from '../../../../src/domain/gates/python-deps/python-environment.ts'
import { tempRepo } from '../_temp-repo.ts'
import { NO_PYTHON, venv } from './_python-fixtures.ts'

const hasPython = (() => {
  try {
    execFileSync('python3', ['-c', 'import site'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

describe('findPythonEnvironment()', () => {
  test('$VIRTUAL_ENV first, then <root>/.venv, each from its layout and pyvenv.cfg', () => {
    const root = tempRepo({
      ...venv([{ name: 'torch', version: '2.3.0' }]),
      ...venv([{ name: 'numpy', version: '2.0.0' }], 'envs/other'),
    })
    const dot = findPythonEnvironment(root, {}, NO_PYTHON)!
    expect(dot.origin).toBe('.venv')
    expect(dot.sitePackages).toEqual([join(root, '.venv/lib/python3.11/site-packages')])
    expect(dot.markers).toMatchObject({
      python_version: '3.11',
      python_full_version: '3.11.7',
      implementation_name: 'cpython',
    })
    const virtual = findPythonEnvironment(root, { VIRTUAL_ENV: join(root, 'envs/other') }, NO_PYTHON)!
    expect(virtual.origin).toBe('VIRTUAL_ENV')
    expect([...installedDistributions(virtual).keys()]).toEqual(['numpy'])
  })

  test('without a venv: python3 on PATH, asked once; none at all: undefined', () => {
    const root = tempRepo({ 'pyproject.toml': '' })
    const calls: string[] = []
    const probe = JSON.stringify({ prefix: '/usr', paths: [root], markers: { python_version: '3.12' } })
    const env = findPythonEnvironment(root, {}, (code) => {
      calls.push(code)
      return probe
    })!
    expect(calls).toHaveLength(1)
    expect(calls[0]).toContain('site.getsitepackages()')
    expect(env).toMatchObject({
      origin: 'python3',
      prefix: '/usr',
      sitePackages: [root],
      markers: { python_version: '3.12' },
    })
    expect(findPythonEnvironment(root, {}, NO_PYTHON)).toBeUndefined()
  })

  test.skipIf(!hasPython)('the real python3 probe returns its site-packages and a full marker environment', () => {
    const env = findPythonEnvironment(tempRepo({ 'a.txt': '' }), {})!
    expect(env.origin).toBe('python3')
    expect(Object.keys(env.markers).sort()).toEqual([
      'implementation_name',
      'implementation_version',
      'os_name',
      'platform_machine',
      'platform_python_implementation',
      'platform_release',
      'platform_system',
      'platform_version',
      'python_full_version',
      'python_version',
      'sys_platform',
    ])
  })
})

describe('installedDistributions()', () => {
  test('reads dist-info METADATA by canonical name; the first on the path wins; egg-info files count', () => {
    const root = tempRepo({
      ...venv([
        { name: 'Flash_Attn', version: '2.5.8' },
        { name: 'torch', version: '2.3.0' },
      ]),
      '.venv/lib/python3.11/site-packages/legacy.egg-info': 'Metadata-Version: 1.0\nName: legacy\nVersion: 0.1\n',
      '.venv/lib/python3.11/site-packages/broken-1.0.dist-info/RECORD': '',
      'user/torch-1.0.dist-info/METADATA': 'Name: torch\nVersion: 1.0\n',
    })
    const env = findPythonEnvironment(root, {}, NO_PYTHON)!
    env.sitePackages.push(join(root, 'user'))
    const dists = installedDistributions(env)
    expect([...dists.keys()].sort()).toEqual(['flash-attn', 'legacy', 'torch'])
    expect(dists.get('torch')!.version).toBe('2.3.0')
  })

  test('the fingerprint changes when what is installed changes', () => {
    const a = tempRepo(venv([{ name: 'torch', version: '2.3.0' }]))
    const b = tempRepo(venv([{ name: 'torch', version: '2.3.1' }]))
    const fa = environmentFingerprint(findPythonEnvironment(a, {}, NO_PYTHON))
      .split(':')
      .at(-1)
    const fb = environmentFingerprint(findPythonEnvironment(b, {}, NO_PYTHON))
      .split(':')
      .at(-1)
    expect(fa).toBe('torch-2.3.0.dist-info')
    expect(fb).toBe('torch-2.3.1.dist-info')
    expect(environmentFingerprint(undefined)).toBe('none')
  })
})

describe('venvMarkers()', () => {
  test('version from version_info or version; the platform from this machine', () => {
    expect(venvMarkers('version = 3.10.14\n')).toMatchObject({ python_version: '3.10', python_full_version: '3.10.14' })
    expect(venvMarkers('home = /x\n').python_version).toBeUndefined()
    expect(venvMarkers('').sys_platform).toBe(process.platform)
  })
})
