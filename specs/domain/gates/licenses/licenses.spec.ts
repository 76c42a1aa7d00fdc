import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { depsGate } from '../../../../src/domain/gates/deps/deps.ts'
import { GATE_DEFAULTS } from '../../../../src/domain/gates/gates-config.ts'
import { licensesGate, scanLicenses } from '../../../../src/domain/gates/licenses/licenses.ts'
import { treeView } from '../../../../src/domain/gates/tree-view.ts'
import { tempRepo } from '../_temp-repo.ts'

const CONFIG = { ...GATE_DEFAULTS.licenses, allow: ['MIT', 'Apache-2.0'] }

function repo(packages: Record<string, object>, installed: Record<string, object> = {}) {
  return tempRepo({
    'package.json': { name: 'x' },
    'package-lock.json': { lockfileVersion: 3, packages: { '': { name: 'x' }, ...packages } },
    ...Object.fromEntries(Object.entries(installed).map(([name, pkg]) => [`node_modules/${name}/package.json`, pkg])),
  })
}

describe('scanLicenses()', () => {
  test('production packages with allowed licenses (expressions too) pass; dev packages are not checked', () => {
    const root = repo({
      'node_modules/a': { version: '1.0.0', license: 'MIT' },
      'node_modules/b': { version: '1.0.0', license: '(GPL-3.0 OR Apache-2.0)' },
      'node_modules/devtool': { version: '1.0.0', license: 'GPL-3.0', dev: true },
      'node_modules/both': { version: '1.0.0', license: 'GPL-3.0', devOptional: true },
    })
    expect(scanLicenses(root, [], CONFIG).findings).toEqual([])
  })

  test('disallowed, missing and non-SPDX licenses are errors naming the package and version', () => {
    const root = repo(
      {
        'node_modules/gpl': { version: '2.0.0', license: 'GPL-3.0' },
        'node_modules/none': { version: '1.0.0' },
        'node_modules/a/node_modules/text': { version: '0.1.0' },
        'node_modules/old': { version: '0.0.1' },
      },
      { 'a/node_modules/text': { license: 'SEE LICENSE IN LICENSE.txt' }, old: { licenses: [{ type: 'MIT' }] } },
    )
    expect(scanLicenses(root, [], CONFIG).findings.map((f) => `${f.rule}: ${f.message}`)).toEqual([
      'license-not-allowed: gpl@2.0.0 is licensed "GPL-3.0", not in the allowlist (MIT, Apache-2.0)',
      'unknown-license: none@1.0.0 declares no license',
      'unknown-license: text@0.1.0 has a license that is not an SPDX expression: "SEE LICENSE IN LICENSE.txt"',
    ])
  })

  test('exceptions accept a named package whatever its license', () => {
    const root = repo({ 'node_modules/gpl': { version: '2.0.0', license: 'GPL-3.0' } })
    expect(
      scanLicenses(root, [], { ...CONFIG, exceptions: { gpl: 'linked at arm’s length; legal ok 2026-01' } }).findings,
    ).toEqual([])
  })

  test('without a lockfile the gate is skipped and a direct scan finds nothing', () => {
    const bare = tempRepo({ 'a.txt': 'x' })
    expect(licensesGate.skipReason?.(bare, [], CONFIG)).toBe('no package-lock.json at the root')
    expect(scanLicenses(bare, [], CONFIG).findings).toEqual([])
    expect(licensesGate.skipReason?.(repo({}), [], CONFIG)).toBeUndefined()
  })

  test('a lock entry without a version is named with "?"; a null entry is read as empty', () => {
    const root = repo({ 'node_modules/nov': {}, 'node_modules/nul': null as unknown as object })
    expect(scanLicenses(root, [], CONFIG).findings.map((f) => f.message)).toEqual([
      'nov@? declares no license',
      'nul@? declares no license',
    ])
  })

  test('the cache is keyed on the lock and installed package.json files, like the deps gate', () => {
    const root = repo({ 'node_modules/a': { version: '1.0.0', license: 'MIT' } }, { a: { license: 'MIT' } })
    expect(licensesGate.cacheInputs?.(root, [], CONFIG)).toEqual({
      contents: ['package.json', 'package-lock.json', 'node_modules/a/package.json'],
      extra: { node: process.version, installed: 'a' },
    })
  })

  test('deps and licenses checked in one pass read the lock once; a later pass reads it again', () => {
    const root = repo({ 'node_modules/a': { version: '1.0.0', license: 'MIT' } }, { a: { license: 'MIT' } })
    const pass = treeView(root, 'tracked')
    const deps = depsGate.cacheInputs?.(root, [], GATE_DEFAULTS.deps, pass)
    writeFileSync(join(root, 'package-lock.json'), JSON.stringify({ lockfileVersion: 3, packages: { '': {} } }))
    // The same pass: the inputs computed for deps (a snapshot, as the pass's blob ids are).
    expect(licensesGate.cacheInputs?.(root, [], CONFIG, pass)).toEqual({ contents: deps?.contents, extra: deps?.extra })
    expect(licensesGate.cacheInputs?.(root, [], CONFIG, treeView(root, 'tracked'))?.contents).toEqual([
      'package.json',
      'package-lock.json',
    ])
  })

  test('this repository: every production dependency is allowed', () => {
    expect(scanLicenses(process.cwd(), [], GATE_DEFAULTS.licenses).findings.map((f) => f.message)).toEqual([])
  })
})
