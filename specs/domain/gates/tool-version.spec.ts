import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { PACKAGE_ROOT } from '../../../src/domain/gates/repo-files.ts'
import { binVersion, resolveBin } from '../../../src/domain/gates/tool-version.ts'
import { tempDir, tempRepo } from './_temp-repo.ts'

describe('resolveBin()', () => {
  test('auto: the gated repository pins its own binary when it has one, else ours', () => {
    const withOwn = tempRepo({ 'node_modules/.bin/tsc': '#!/bin/sh\n' })
    expect(resolveBin(withOwn, 'tsc')).toBe(join(withOwn, 'node_modules', '.bin', 'tsc'))
    const without = tempRepo({ 'package.json': '{}' })
    expect(resolveBin(without, 'tsc', 'auto')).toBe(join(PACKAGE_ROOT, 'node_modules', '.bin', 'tsc'))
  })

  test('a configured path is taken as is when absolute, else relative to the gated root', () => {
    const root = tempDir()
    expect(resolveBin(root, 'tsc', '/opt/tools/tsc')).toBe('/opt/tools/tsc')
    expect(resolveBin(root, 'tsc', 'tools/tsc')).toBe(join(root, 'tools', 'tsc'))
  })
})

describe('binVersion()', () => {
  function fakePackage(pkgJson: object | string | undefined, depth = 1): string {
    const root = tempDir()
    const dirs = Array.from({ length: depth }, (_, i) => `d${i}`)
    const binDir = join(root, 'pkg', ...dirs)
    mkdirSync(binDir, { recursive: true })
    writeFileSync(join(binDir, 'cli.js'), '#!/usr/bin/env node\n')
    if (pkgJson !== undefined) {
      writeFileSync(join(root, 'pkg', 'package.json'), typeof pkgJson === 'string' ? pkgJson : JSON.stringify(pkgJson))
    }
    mkdirSync(join(root, '.bin'))
    symlinkSync(join(binDir, 'cli.js'), join(root, '.bin', 'tool'))
    return join(root, '.bin', 'tool')
  }

  test('follows the .bin symlink to the package.json of the package it belongs to', () => {
    expect(binVersion(fakePackage({ name: 'tool', version: '1.2.3' }))).toBe('tool@1.2.3')
    expect(binVersion(fakePackage({ version: '0.1.0' }, 3))).toBe('?@0.1.0')
  })

  test('the real tsc of this repository reports the typescript version', () => {
    const typescript = join(PACKAGE_ROOT, 'node_modules', 'typescript', 'package.json')
    const { version } = JSON.parse(readFileSync(typescript, 'utf8')) as { version: string }
    expect(binVersion(join(PACKAGE_ROOT, 'node_modules', '.bin', 'tsc'))).toBe(`typescript@${version}`)
  })

  test('a package.json without a version is skipped for the next one up', () => {
    const bin = fakePackage({ name: 'outer', version: '2.0.0' }, 2)
    const inner = join(bin, '..', '..', 'pkg', 'd0', 'd1')
    writeFileSync(join(inner, 'package.json'), JSON.stringify({ name: 'inner' }))
    expect(binVersion(bin)).toBe('outer@2.0.0')
  })

  test('no package.json within five folders, a broken one, or a missing binary: unknown plus the path', () => {
    const tooDeep = fakePackage({ name: 'far', version: '1.0.0' }, 5)
    expect(binVersion(tooDeep)).toBe(`unknown:${tooDeep}`)
    const broken = fakePackage('{ not json')
    expect(binVersion(broken)).toBe(`unknown:${broken}`)
    const missing = join(tempDir(), 'nope')
    expect(binVersion(missing)).toBe(`unknown:${missing}`)
  })
})
