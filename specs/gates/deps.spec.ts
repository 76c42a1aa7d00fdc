import { describe, expect, test } from 'vitest'
import { lineOf, scanDeps, specKind } from '../../src/gates/deps.ts'
import { GATE_DEFAULTS } from '../../src/gates/gates-config.ts'
import { tempRepo } from './_temp-repo.ts'

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

describe('lineOf()', () => {
  test('1-based line of the first occurrence', () => {
    expect(lineOf('a\nb\nc', 'c')).toBe(3)
    expect(lineOf('a', 'z')).toBeNull()
  })
})
