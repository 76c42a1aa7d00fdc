import { symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { depsCacheInputs, depsGate, lineOf, scanDeps, specKind } from '../../../../src/domain/gates/deps/deps.ts'
import { GATE_DEFAULTS } from '../../../../src/domain/gates/gates-config.ts'
import { tempDir, tempRepo } from '../_temp-repo.ts'

const CONFIG = GATE_DEFAULTS.deps

function lockFor(
  pkg: { dependencies?: Record<string, string>; devDependencies?: Record<string, string> },
  packages: Record<string, object>,
) {
  return { name: 'x', lockfileVersion: 3, requires: true, packages: { '': { name: 'x', ...pkg }, ...packages } }
}

function installed(name: string, version: string) {
  return { [`node_modules/${name}/package.json`]: { name, version } }
}

const rules = (root: string, config = CONFIG) =>
  scanDeps(root, [], config).findings.map((f) => `${f.severity} ${f.rule} ${f.file}${f.line ? `:${f.line}` : ''}`)

describe('specKind()', () => {
  test.each([
    ['^1.2.3', 'range'],
    ['1.2.3', 'range'],
    ['*', 'any'],
    ['', 'any'],
    ['latest', 'tag'],
    ['next', 'tag'],
    ['npm:other@^2', 'alias'],
    ['file:../lib', 'file'],
    ['github:user/repo', 'git'],
    ['user/repo#v1', 'git'],
    ['git+https://host/r.git', 'git'],
    ['https://host/a.tgz', 'url'],
    ['x', 'any'],
    ['  ^1.0.0  ', 'range'],
    ['link:../lib', 'file'],
    ['./vendor/lib', 'file'],
    ['gitlab:team/repo', 'git'],
    ['>=1 <2 || 3.x', 'range'],
    ['beta-2', 'tag'],
  ])('%s is %s', (spec, kind) => {
    expect(specKind(spec)).toBe(kind)
  })
})

describe('scanDeps()', () => {
  test('a consistent package.json, lock and node_modules have no findings', () => {
    const pkg = { dependencies: { a: '^1.0.0' }, devDependencies: { b: '2.0.0' }, engines: { node: '>=18' } }
    const root = tempRepo({
      'package.json': { name: 'x', ...pkg },
      'package-lock.json': lockFor(pkg, {
        'node_modules/a': { version: '1.4.0' },
        'node_modules/b': { version: '2.0.0', dev: true },
      }),
      ...installed('a', '1.4.0'),
      ...installed('b', '2.0.0'),
    })
    expect(rules(root)).toEqual([])
  })

  test('reports spec drift, missing entries, unsatisfied locks, unpinned specs and engines', () => {
    const pkg = { dependencies: { a: '^2.0.0', c: 'latest', d: 'github:u/d', e: '^1.0.0' }, engines: { node: '<1' } }
    const lockPkg = { dependencies: { a: '^1.0.0', c: 'latest', d: 'github:u/d' } }
    const root = tempRepo({
      'package.json': { name: 'x', ...pkg },
      'package-lock.json': lockFor(lockPkg, {
        'node_modules/a': { version: '1.4.0' },
        'node_modules/c': { version: '3.0.0' },
        'node_modules/d': { version: '1.0.0' },
      }),
      ...installed('a', '1.4.0'),
      ...installed('c', '3.0.0'),
      ...installed('d', '1.0.0'),
    })
    expect(rules(root)).toEqual([
      'error engines-node package.json:10',
      'error lock-out-of-date package.json:4',
      'error lock-unsatisfied package-lock.json:14',
      'error unpinned-spec package.json:5',
      'error unpinned-spec package.json:6',
      'error missing-from-lock package.json:7',
    ])
  })

  test('allow_specs accepts a named git or tag spec', () => {
    const pkg = { dependencies: { c: 'latest' } }
    const root = tempRepo({
      'package.json': { name: 'x', ...pkg },
      'package-lock.json': lockFor(pkg, { 'node_modules/c': { version: '3.0.0' } }),
      ...installed('c', '3.0.0'),
    })
    expect(rules(root, { ...CONFIG, allow_specs: { c: 'internal tool, always latest' } })).toEqual([])
  })

  test('installed drift is an error; missing and extraneous installs are warnings; duplicate majors warn', () => {
    const pkg = { dependencies: { a: '^1.0.0', b: '^1.0.0' } }
    const root = tempRepo({
      'package.json': { name: 'x', ...pkg },
      'package-lock.json': lockFor(pkg, {
        'node_modules/a': { version: '1.4.0' },
        'node_modules/b': { version: '1.0.0' },
        'node_modules/b/node_modules/a': { version: '2.1.0' },
        'node_modules/opt': { version: '1.0.0', optional: true },
      }),
      ...installed('a', '1.3.0'),
      ...installed('stray', '0.1.0'),
    })
    expect(rules(root)).toEqual([
      'error installed-drift package-lock.json:13',
      'warn not-installed package-lock.json',
      'warn extraneous null',
      'warn duplicate-major package-lock.json:13',
    ])
    expect(scanDeps(root, [], { ...CONFIG, check_installed: false }).findings.map((f) => f.rule)).toEqual([
      'duplicate-major',
    ])
  })

  test('dependencies without a lockfile are an error', () => {
    const root = tempRepo({ 'package.json': { name: 'x', dependencies: { a: '1.0.0' } } })
    expect(rules(root)).toEqual(['error missing-lockfile package.json'])
  })

  test('a v1 lockfile is refused with the upgrade command', () => {
    const root = tempRepo({
      'package.json': { name: 'x' },
      'package-lock.json': { lockfileVersion: 1, dependencies: {} },
    })
    expect(() => scanDeps(root, [], CONFIG)).toThrow(/lockfileVersion 1/)
  })

  test('this repository: no errors', () => {
    const findings = scanDeps(process.cwd(), [], CONFIG).findings
    expect(findings.filter((f) => f.severity === 'error').map((f) => f.message)).toEqual([])
  })
})

describe('scanDeps(): degraded and partial repositories', () => {
  test('no package.json: nothing to check, and the gate says why it skips', () => {
    const root = tempRepo({ 'README.md': '# x' })
    expect(scanDeps(root, [], CONFIG).findings).toEqual([])
    expect(depsGate.skipReason?.(root, [], CONFIG)).toBe('no package.json at the root')
    expect(depsGate.skipReason?.(tempRepo({ 'package.json': { name: 'x' } }), [], CONFIG)).toBeUndefined()
  })

  test('a package.json without dependencies needs no lockfile', () => {
    expect(rules(tempRepo({ 'package.json': { name: 'x', engines: { node: 'lts' } } }))).toEqual([])
  })

  test('a lock without a root entry reports every declared dependency as missing from it', () => {
    const root = tempRepo({
      'package.json': { name: 'x', dependencies: { a: '1.0.0' } },
      'package-lock.json': { lockfileVersion: 3, packages: { 'node_modules/a': { version: '1.0.0' } } },
      ...installed('a', '1.0.0'),
    })
    const [finding, ...rest] = scanDeps(root, [], CONFIG).findings
    expect(rest).toEqual([])
    expect(finding).toMatchObject({
      rule: 'missing-from-lock',
      file: 'package.json',
      line: 4,
      message: 'dependencies.a (1.0.0) is not in package-lock.json',
    })
    expect(finding?.remediation).toContain('npm install --package-lock-only')
  })

  test('`*` is reported as "any version" with the pinning command', () => {
    const pkg = { dependencies: { a: '*' } }
    const root = tempRepo({
      'package.json': { name: 'x', ...pkg },
      'package-lock.json': lockFor(pkg, { 'node_modules/a': { version: '1.0.0' } }),
      ...installed('a', '1.0.0'),
    })
    const [finding] = scanDeps(root, [], CONFIG).findings
    expect(finding?.message).toBe('dependencies.a is "*" (any version): installs are not reproducible')
    expect(finding?.remediation).toContain('npm install --save-exact a@<version>')
  })

  test('peer and optional dependencies may be absent from node_modules in the lock; others may not', () => {
    const pkg = {
      dependencies: { a: '^1.0.0' },
      devDependencies: { d: '^1.0.0' },
      optionalDependencies: { o: '^1.0.0' },
      peerDependencies: { p: '^1.0.0' },
    }
    const root = tempRepo({ 'package.json': { name: 'x', ...pkg }, 'package-lock.json': lockFor(pkg, {}) })
    expect(
      scanDeps(root, [], { ...CONFIG, check_installed: false }).findings.map(
        (f) => `${f.rule} ${f.file}: ${f.message}`,
      ),
    ).toEqual([
      'missing-from-lock package-lock.json: a is declared in dependencies but package-lock.json has no node_modules/a',
      'missing-from-lock package-lock.json: d is declared in devDependencies but package-lock.json has no node_modules/d',
    ])
  })

  test('an npm: alias is checked against the range after its last @', () => {
    const pkg = { dependencies: { a: 'npm:@scope/real@^2.0.0', b: 'npm:other@^1.0.0' } }
    const root = tempRepo({
      'package.json': { name: 'x', ...pkg },
      'package-lock.json': lockFor(pkg, {
        'node_modules/a': { name: '@scope/real', version: '1.9.0' },
        'node_modules/b': { name: 'other', version: '1.2.0' },
      }),
      ...installed('a', '1.9.0'),
      ...installed('b', '1.2.0'),
    })
    expect(scanDeps(root, [], CONFIG).findings.map((f) => f.message)).toEqual([
      'a is locked at 1.9.0, outside its declared range "npm:@scope/real@^2.0.0"',
    ])
  })

  test('check_installed without node_modules warns once that nothing was checked', () => {
    const pkg = { dependencies: { a: '1.0.0' } }
    const root = tempRepo({
      'package.json': { name: 'x', ...pkg },
      'package-lock.json': lockFor(pkg, { 'node_modules/a': { version: '1.0.0' } }),
    })
    expect(scanDeps(root, [], CONFIG).findings).toEqual([
      expect.objectContaining({
        rule: 'not-installed',
        severity: 'warn',
        file: null,
        message: 'node_modules is missing: installed versions were not checked',
        remediation: 'run `npm ci`',
      }),
    ])
  })

  test('an installed package.json without a version is drift shown as "?"', () => {
    const pkg = { dependencies: { a: '1.0.0' } }
    const root = tempRepo({
      'package.json': { name: 'x', ...pkg },
      'package-lock.json': lockFor(pkg, { 'node_modules/a': { version: '1.0.0' } }),
      'node_modules/a/package.json': { name: 'a' },
    })
    expect(scanDeps(root, [], CONFIG).findings.map((f) => f.message)).toEqual([
      'node_modules/a is installed at ? but locked at 1.0.0',
    ])
  })

  test('more than five uninstalled packages are counted and the list is cut with …', () => {
    const names = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7']
    const root = tempRepo({
      'package.json': { name: 'x' },
      'package-lock.json': lockFor(
        {},
        Object.fromEntries(names.map((n) => [`node_modules/${n}`, { version: '1.0.0' }])),
      ),
      'node_modules/.package-lock.json': '{}',
    })
    const [finding] = scanDeps(root, [], CONFIG).findings
    expect(finding?.message).toBe(
      '7 locked package(s) are not installed: node_modules/p1, node_modules/p2, node_modules/p3, node_modules/p4, node_modules/p5, …',
    )
    expect(finding?.remediation).toContain('--omit=dev')
  })

  test('lock entries without a usable version are neither drift nor duplicate majors', () => {
    const root = tempRepo({
      'package.json': { name: 'x' },
      'package-lock.json': lockFor(
        {},
        {
          'node_modules/nul': null as unknown as object,
          'node_modules/nover': { resolved: 'file:../nover' },
          'node_modules/git': { version: 'github:u/git#abc' },
          'node_modules/a': { version: '1.0.0' },
          'node_modules/a/node_modules/git': { version: '2.0.0' },
        },
      ),
      ...installed('a', '1.0.0'),
      'node_modules/nover/package.json': { name: 'nover', version: '0.0.1' },
      'node_modules/git/package.json': { name: 'git', version: '1.0.0' },
      'node_modules/a/node_modules/git/package.json': { name: 'git', version: '2.0.0' },
    })
    const findings = scanDeps(root, [], CONFIG).findings
    expect(findings.map((f) => `${f.rule}: ${f.message}`)).toEqual([
      'installed-drift: node_modules/git is installed at 1.0.0 but locked at github:u/git#abc',
      'not-installed: 1 locked package(s) are not installed: node_modules/nul',
    ])
  })

  test('extraneous installs: scoped and symlinked packages count, loose files and dot folders do not', () => {
    const lib = tempDir()
    const root = tempRepo({
      'package.json': { name: 'x' },
      'package-lock.json': lockFor({}, { 'node_modules/@s/kept': { version: '1.0.0' } }),
      'node_modules/@s/kept/package.json': { name: '@s/kept', version: '1.0.0' },
      'node_modules/@s/extra/package.json': { name: '@s/extra', version: '1.0.0' },
      'node_modules/@s/.cache/x': 'x',
      'node_modules/.bin/tool': '#!/bin/sh',
      'node_modules/README.txt': 'not a package',
    })
    symlinkSync(lib, join(root, 'node_modules', 'linked'))
    expect(scanDeps(root, [], CONFIG).findings.map((f) => f.message)).toEqual([
      'node_modules/@s/extra is installed but not in package-lock.json',
      'node_modules/linked is installed but not in package-lock.json',
    ])
  })
})

describe('depsCacheInputs()', () => {
  test('hashes package.json, the lock and every locked package.json, keyed on Node and the top-level install', () => {
    const pkg = { dependencies: { a: '1.0.0' } }
    const root = tempRepo({
      'package.json': { name: 'x', ...pkg },
      'package-lock.json': lockFor(pkg, { 'node_modules/a': { version: '1.0.0' } }),
      ...installed('a', '1.0.0'),
    })
    expect(depsGate.cacheInputs?.(root, [], CONFIG)).toEqual({
      contents: ['package.json', 'package-lock.json', 'node_modules/a/package.json'],
      extra: { node: process.version, installed: 'a' },
      listing: false,
    })
  })

  test('a broken or absent lock and a missing node_modules still give a key', () => {
    const broken = tempRepo({ 'package.json': { name: 'x' }, 'package-lock.json': '{ not json' })
    expect(depsCacheInputs(broken)).toEqual({
      contents: ['package.json', 'package-lock.json'],
      extra: { node: process.version, installed: '' },
    })
    expect(depsCacheInputs(tempRepo({})).contents).toEqual(['package.json', 'package-lock.json'])
  })
})

describe('lineOf()', () => {
  test('1-based line of the first occurrence', () => {
    expect(lineOf('a\nb\nc', 'c')).toBe(3)
    expect(lineOf('a', 'z')).toBeNull()
  })
})
