import { describe, expect, test } from 'vitest'
import { readTsAliases } from '../../../../src/domain/gates/layers/read-ts-aliases.ts'
import { memoryRepoIndex } from '../../../../src/domain/gates/layers/repo-index.ts'
import { type PackageInfo, resolveJsImport } from '../../../../src/domain/gates/layers/resolve-js-import.ts'

const repo = memoryRepoIndex({
  'src/a.ts': '',
  'src/b.tsx': '',
  'src/c/index.ts': '',
  'src/d.js': '',
  'src/d.d.ts': '',
  'src/e.mts': '',
  'src/tool.mjs': '',
  'src/tool.d.mts': '',
  'src/data.json': '',
  'src/lib/util.ts': '',
  'src/icons/x.svg': '',
  'packages/core/src/index.ts': '',
  'tsconfig.base.json': `{
    // comments and trailing commas, as TypeScript allows
    "compilerOptions": { "baseUrl": ".", "paths": { "@core": ["packages/core/src/index.ts"], "@core/*": ["packages/core/src/*"], }, },
  }`,
  'tsconfig.json': '{ "extends": "./tsconfig.base.json", "compilerOptions": { "strict": true } }',
  'tsconfig.lib.json':
    '{ "extends": "./tsconfig.base.json", "compilerOptions": { "paths": { "@lib/*": ["src/lib/*"] } } }',
})

const pkg: PackageInfo = {
  name: '@acme/app',
  imports: { '#lib/*': './src/lib/*.ts', '#pkg': 'lodash' },
  exports: { '.': { types: './src/a.ts', import: './dist/a.js' }, './tool': './src/tool.mjs' },
}

function to(specifier: string, from = 'src/main.ts', tsconfig = 'tsconfig.json') {
  return resolveJsImport(from, specifier, repo, readTsAliases(tsconfig, repo.read), pkg)
}

describe('resolveJsImport()', () => {
  test('relative specifiers: TypeScript ESM convention, extension probing, index files', () => {
    expect(to('./a.js')).toEqual({ kind: 'file', path: 'src/a.ts' })
    expect(to('./a.ts')).toEqual({ kind: 'file', path: 'src/a.ts' })
    expect(to('./a')).toEqual({ kind: 'file', path: 'src/a.ts' })
    expect(to('./b.jsx')).toEqual({ kind: 'file', path: 'src/b.tsx' })
    expect(to('./b.js')).toEqual({ kind: 'file', path: 'src/b.tsx' })
    expect(to('./c')).toEqual({ kind: 'file', path: 'src/c/index.ts' })
    expect(to('./c/index.js')).toEqual({ kind: 'file', path: 'src/c/index.ts' })
    expect(to('./e.mjs')).toEqual({ kind: 'file', path: 'src/e.mts' })
    expect(to('../data.json', 'src/lib/util.ts')).toEqual({ kind: 'file', path: 'src/data.json' })
    expect(to('./icons/x.svg?raw')).toEqual({ kind: 'file', path: 'src/icons/x.svg' })
  })

  test('a .js file with declarations resolves to the JavaScript that runs, not its .d.ts', () => {
    expect(to('./d.js')).toEqual({ kind: 'file', path: 'src/d.js' })
    expect(to('./tool.mjs')).toEqual({ kind: 'file', path: 'src/tool.mjs' })
  })

  test('a relative specifier naming no file is unresolved; one leaving the repository is nothing', () => {
    expect(to('./missing.js')).toMatchObject({ kind: 'unresolved' })
    expect(to('../../../outside.js')).toEqual({ kind: 'none' })
  })

  test('tsconfig paths (exact and *) inherited through extends, then baseUrl', () => {
    expect(to('@core')).toEqual({ kind: 'file', path: 'packages/core/src/index.ts' })
    expect(to('@core/index.js')).toEqual({ kind: 'file', path: 'packages/core/src/index.ts' })
    expect(to('src/a')).toEqual({ kind: 'file', path: 'src/a.ts' })
  })

  test('a config’s own paths replace those it extends, as in TypeScript', () => {
    expect(to('@lib/util.js', 'src/main.ts', 'tsconfig.lib.json')).toEqual({ kind: 'file', path: 'src/lib/util.ts' })
    expect(to('@core', 'src/main.ts', 'tsconfig.lib.json')).toEqual({ kind: 'external', package: '@core' })
  })

  test('package.json imports (#x) and the package’s own name through exports', () => {
    expect(to('#lib/util')).toEqual({ kind: 'file', path: 'src/lib/util.ts' })
    expect(to('#pkg')).toEqual({ kind: 'external', package: 'lodash' })
    expect(to('#nope')).toMatchObject({ kind: 'unresolved' })
    expect(to('@acme/app')).toEqual({ kind: 'file', path: 'src/a.ts' })
    expect(to('@acme/app/tool')).toEqual({ kind: 'file', path: 'src/tool.mjs' })
  })

  test('bare specifiers are packages by name; Node built-ins with or without node:', () => {
    expect(to('lodash/fp')).toEqual({ kind: 'external', package: 'lodash' })
    expect(to('@scope/pkg/deep/x.js')).toEqual({ kind: 'external', package: '@scope/pkg' })
    expect(to('fs')).toEqual({ kind: 'external', package: 'node:fs' })
    expect(to('node:fs/promises')).toEqual({ kind: 'external', package: 'node:fs' })
    expect(to('https://esm.sh/x')).toEqual({ kind: 'none' })
  })

  /** Resolves `specifier` from src/main.ts with no tsconfig and the package.json fields `pkg`. */
  const withPkg = (specifier: string, info: PackageInfo | undefined) =>
    resolveJsImport('src/main.ts', specifier, repo, undefined, info)

  test('"imports": no field, a target naming no file, arrays and condition objects, the longest pattern', () => {
    expect(withPkg('#x', undefined)).toEqual({
      kind: 'unresolved',
      reason: 'package.json "imports" has no entry for #x',
    })
    expect(withPkg('#gone', { imports: { '#gone': './src/gone.ts' } })).toEqual({
      kind: 'unresolved',
      reason: '"imports" maps #gone to ./src/gone.ts',
    })
    const imports = {
      '#a': [{ worker: './nope.js' }, './src/a.ts'],
      '#c': { browser: './x.js', require: './src/c/index.ts' },
      '#none': [null, { browser: './x.js' }],
      '#lib/*': './src/*.ts',
      '#lib/deep/*': './src/lib/*.ts',
      '#*.js': './src/*.ts',
    }
    expect(withPkg('#a', { imports })).toEqual({ kind: 'file', path: 'src/a.ts' })
    expect(withPkg('#c', { imports })).toEqual({ kind: 'file', path: 'src/c/index.ts' })
    expect(withPkg('#none', { imports })).toMatchObject({ kind: 'unresolved' })
    expect(withPkg('#lib/deep/util', { imports })).toEqual({ kind: 'file', path: 'src/lib/util.ts' })
    expect(withPkg('#lib/a', { imports })).toEqual({ kind: 'file', path: 'src/a.ts' })
    expect(withPkg('#a.js', { imports })).toEqual({ kind: 'file', path: 'src/a.ts' })
    // A pattern longer than the key cannot match it, though the key starts and ends like it.
    expect(withPkg('#lib', { imports: { '#lib*lib': './src/a.ts' } })).toMatchObject({ kind: 'unresolved' })
  })

  test("the package's own name: exports as a string, an array, conditions only, or absent", () => {
    const self = (exports: unknown, specifier = '@acme/app') => withPkg(specifier, { name: '@acme/app', exports })
    expect(self('./src/a.ts')).toEqual({ kind: 'file', path: 'src/a.ts' })
    expect(self(['./src/b.tsx'])).toEqual({ kind: 'file', path: 'src/b.tsx' })
    expect(self({ import: './src/e.mts' })).toEqual({ kind: 'file', path: 'src/e.mts' })
    // Only "." is exported by a string or conditions: a subpath falls back to the folder itself.
    expect(self('./src/a.ts', '@acme/app/src/lib/util')).toEqual({ kind: 'file', path: 'src/lib/util.ts' })
    expect(self({ import: './src/e.mts' }, '@acme/app/src/a.js')).toEqual({ kind: 'file', path: 'src/a.ts' })
    expect(self(null, '@acme/app/src/c')).toEqual({ kind: 'file', path: 'src/c/index.ts' })
    expect(self(undefined, '@acme/app/src/a')).toEqual({ kind: 'file', path: 'src/a.ts' })
    expect(self({ './x': './src/x.ts' }, '@acme/app/x')).toEqual({
      kind: 'unresolved',
      reason: "the package's own ./x names no file",
    })
  })
})

describe('readTsAliases()', () => {
  test('no tsconfig: undefined; a broken one or a missing local extends: UserError naming the file', () => {
    expect(readTsAliases('tsconfig.json', memoryRepoIndex({}).read)).toBeUndefined()
    const broken = memoryRepoIndex({ 'tsconfig.json': '{ "compilerOptions": ' })
    expect(() => readTsAliases('tsconfig.json', broken.read)).toThrow(/tsconfig\.json is not valid JSON/)
    const dangling = memoryRepoIndex({ 'tsconfig.json': '{ "extends": "./nope.json" }' })
    expect(() => readTsAliases('tsconfig.json', dangling.read)).toThrow(
      /extends "\.\/nope\.json", which does not exist/,
    )
  })

  test('paths without baseUrl are relative to the config that declares them; extends arrays and packages', () => {
    const r = memoryRepoIndex({
      'configs/ts/base.json': '{ "compilerOptions": { "paths": { "~/*": ["../../src/*"] } } }',
      'node_modules/@tsconfig/strict/tsconfig.json': '{ "compilerOptions": { "strict": true } }',
      'tsconfig.json': '{ "extends": ["@tsconfig/strict/tsconfig.json", "./configs/ts/base"] }',
    })
    const aliases = readTsAliases('tsconfig.json', r.read)
    expect(aliases).toMatchObject({ pathsBase: 'configs/ts', baseUrl: undefined })
    expect(aliases?.files).toEqual([
      'tsconfig.json',
      'node_modules/@tsconfig/strict/tsconfig.json',
      'configs/ts/base.json',
    ])
  })
})
