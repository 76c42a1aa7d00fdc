import { describe, expect, test } from 'vitest'
import {
  type Lockfile,
  lockPackagePaths,
  lockPathName,
  packageLicense,
  readJsonFile,
  readLockfile,
} from '../../../../src/domain/gates/deps/lockfile.ts'
import { userErrorFrom } from '../../../support/user-error.ts'
import { tempRepo } from '../_temp-repo.ts'

describe('readJsonFile()', () => {
  test('parses a present file and gives undefined for an absent one', () => {
    const root = tempRepo({ 'a/b.json': { x: 1 } })
    expect(readJsonFile(root, 'a/b.json')).toEqual({ x: 1 })
    expect(readJsonFile(root, 'a/missing.json')).toBeUndefined()
  })

  test('invalid JSON is a UserError naming the file, with a fix that fits the file', () => {
    const root = tempRepo({ 'package.json': '{ "name": ', 'node_modules/a/package-lock.json': 'nope' })
    const pkg = userErrorFrom(() => readJsonFile(root, 'package.json'))
    expect(pkg.code).toBe('BAD_JSON')
    expect(pkg.message).toMatch(/^package\.json is not valid JSON: /)
    expect(pkg.hint).toBe('fix package.json')
    const lock = userErrorFrom(() => readJsonFile(root, 'node_modules/a/package-lock.json'))
    expect(lock.message).toMatch(/^node_modules\/a\/package-lock\.json is not valid JSON: /)
    expect(lock.hint).toBe('regenerate it with `npm install --package-lock-only`')
  })
})

describe('readLockfile()', () => {
  test('no lock is undefined; a v3 lock is returned as is', () => {
    expect(readLockfile(tempRepo({}))).toBeUndefined()
    const lock = { lockfileVersion: 3, packages: { '': { name: 'x' } } }
    expect(readLockfile(tempRepo({ 'package-lock.json': lock }))).toEqual(lock)
  })

  test('a lock without "packages" is refused with its version and the upgrade command', () => {
    const v1 = userErrorFrom(() =>
      readLockfile(tempRepo({ 'package-lock.json': { lockfileVersion: 1, dependencies: {} } })),
    )
    expect(v1.code).toBe('LOCKFILE_VERSION')
    expect(v1.message).toBe('package-lock.json has lockfileVersion 1 without "packages"; the gates read version 2 or 3')
    expect(v1.hint).toBe('upgrade it with `npm install --package-lock-only --lockfile-version 3`')
    const unknown = userErrorFrom(() => readLockfile(tempRepo({ 'package-lock.json': { packages: 'all' } })))
    expect(unknown.message).toContain('lockfileVersion ? without "packages"')
  })
})

describe('lockPathName() / lockPackagePaths()', () => {
  test.each([
    ['node_modules/a', undefined, 'a'],
    ['node_modules/a/node_modules/@s/b', undefined, '@s/b'],
    ['node_modules/alias', { name: 'real-name' }, 'real-name'],
    ['packages/app', undefined, 'packages/app'],
  ])('%s (entry %j) is %s', (path, entry, name) => {
    expect(lockPathName(path, entry)).toBe(name)
  })

  test('installed paths only: not the root, workspace folders or workspace links', () => {
    const lock: Lockfile = {
      lockfileVersion: 3,
      packages: {
        '': { name: 'x' },
        'packages/app': { name: 'app', version: '1.0.0' },
        'node_modules/app': { resolved: 'packages/app', link: true },
        'node_modules/a': { version: '1.0.0' },
        'node_modules/a/node_modules/b': { version: '2.0.0' },
      },
    }
    expect(lockPackagePaths(lock)).toEqual(['node_modules/a', 'node_modules/a/node_modules/b'])
  })
})

describe('packageLicense()', () => {
  test.each([
    [undefined, undefined],
    [{}, undefined],
    [{ license: 'MIT' }, 'MIT'],
    [{ license: { type: 'ISC', url: 'https://x.org' } }, 'ISC'],
    [{ license: { url: 'https://x.org' } }, undefined],
    [{ license: 42 }, undefined],
    [{ license: null, licenses: [{ type: 'MIT' }] }, 'MIT'],
    [{ licenses: [{ type: 'MIT' }, { type: 'Apache-2.0' }] }, '(MIT OR Apache-2.0)'],
    [{ licenses: [null, { url: 'x' }, { type: 'BSD-3-Clause' }] }, 'BSD-3-Clause'],
    [{ licenses: [{ url: 'x' }] }, undefined],
    [{ licenses: 'MIT' }, undefined],
  ])('%j → %s', (pkg, expected) => {
    expect(packageLicense(pkg)).toBe(expected)
  })
})
