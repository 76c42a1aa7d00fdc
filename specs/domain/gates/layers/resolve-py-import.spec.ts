import { describe, expect, test } from 'vitest'
import { extractPyImports } from '../../../../src/domain/gates/layers/extract-py-imports.ts'
import { memoryRepoIndex } from '../../../../src/domain/gates/layers/repo-index.ts'
import { pyModuleOf, resolvePyImport } from '../../../../src/domain/gates/layers/resolve-py-import.ts'

const repo = memoryRepoIndex({
  'src/app/__init__.py': '',
  'src/app/models.py': '',
  'src/app/views/__init__.py': '',
  'src/app/views/home.py': '',
  'src/app/stubs.pyi': '',
  'src/nspkg/sub/mod.py': '', // namespace packages: no __init__.py
  'tools/build.py': '',
  'top.py': '',
})
const roots = ['.', 'src']

/** Resolutions of the first import in `line`, written in `from`. */
function resolve(from: string, line: string) {
  const imp = extractPyImports(line)[0]
  if (!imp) throw new Error(`no import in ${line}`)
  return resolvePyImport(from, imp, repo, roots)
}

describe('pyModuleOf()', () => {
  test('the most specific root holding the file names the module; __init__ is its package', () => {
    expect(pyModuleOf('src/app/models.py', roots)).toEqual({ root: 'src', parts: ['app', 'models'], isPackage: false })
    expect(pyModuleOf('src/app/__init__.py', roots)).toEqual({ root: 'src', parts: ['app'], isPackage: true })
    expect(pyModuleOf('tools/build.py', roots)).toEqual({ root: '', parts: ['tools', 'build'], isPackage: false })
  })
})

describe('resolvePyImport()', () => {
  test('absolute modules and packages under the configured roots', () => {
    expect(resolve('top.py', 'import app.models')).toEqual([{ kind: 'file', path: 'src/app/models.py' }])
    expect(resolve('top.py', 'import app')).toEqual([{ kind: 'file', path: 'src/app/__init__.py' }])
    expect(resolve('top.py', 'import app.stubs')).toEqual([{ kind: 'file', path: 'src/app/stubs.pyi' }])
    expect(resolve('src/app/models.py', 'import tools.build')).toEqual([{ kind: 'file', path: 'tools/build.py' }])
    expect(resolve('top.py', 'import nspkg.sub.mod')).toEqual([{ kind: 'file', path: 'src/nspkg/sub/mod.py' }])
  })

  test('from-imports: names that are submodules resolve to them, other names to the module', () => {
    expect(resolve('top.py', 'from app.views import home, helper')).toEqual([
      { kind: 'file', path: 'src/app/views/home.py' },
      { kind: 'file', path: 'src/app/views/__init__.py' },
    ])
    expect(resolve('top.py', 'from app import *')).toEqual([{ kind: 'file', path: 'src/app/__init__.py' }])
    // A namespace package has no file to point at.
    expect(resolve('top.py', 'from nspkg import thing')).toEqual([{ kind: 'none' }])
  })

  test('a first segment found under no root is an external package', () => {
    expect(resolve('top.py', 'import numpy.linalg')).toEqual([{ kind: 'external', package: 'numpy' }])
    expect(resolve('top.py', 'from os import path')).toEqual([{ kind: 'external', package: 'os' }])
  })

  test('a missing module of a local package is unresolved', () => {
    expect(resolve('top.py', 'import app.gone')).toMatchObject([{ kind: 'unresolved' }])
  })

  test('relative imports from the importing module’s package; __init__ is its own package', () => {
    expect(resolve('src/app/views/home.py', 'from . import x')).toEqual([
      { kind: 'file', path: 'src/app/views/__init__.py' },
    ])
    expect(resolve('src/app/views/home.py', 'from .. import models')).toEqual([
      { kind: 'file', path: 'src/app/models.py' },
    ])
    expect(resolve('src/app/views/home.py', 'from ..models import User')).toEqual([
      { kind: 'file', path: 'src/app/models.py' },
    ])
    expect(resolve('src/app/__init__.py', 'from .views import home')).toEqual([
      { kind: 'file', path: 'src/app/views/home.py' },
    ])
    expect(resolve('src/app/views/home.py', 'from .missing import y')).toMatchObject([{ kind: 'unresolved' }])
  })

  test('relative imports above the top-level package, or from no package, are beyond-top', () => {
    expect(resolve('src/app/views/home.py', 'from ... import x')).toMatchObject([
      { kind: 'beyond-top', reason: expect.stringMatching(/in package app\.views; "\.\.\." climbs 2 level/) },
    ])
    expect(resolve('top.py', 'from . import x')).toMatchObject([
      { kind: 'beyond-top', reason: expect.stringMatching(/top\.py is in no package/) },
    ])
  })
})
