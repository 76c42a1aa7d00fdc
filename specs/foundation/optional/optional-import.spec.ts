import { createRequire } from 'node:module'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { hiddenHere } from '../../../src/adapters/vitest/drift-projects.ts'
import { isUserError } from '../../../src/foundation/errors/user-error.ts'
import {
  isMissingDependency,
  MissingDependencyError,
} from '../../../src/foundation/optional/missing-dependency-error.ts'
import {
  declaredPin,
  installCommand,
  OPTIONAL_DEPENDENCIES,
  type OptionalDependency,
} from '../../../src/foundation/optional/optional-dependencies.ts'
import {
  dependencyError,
  isDependencyAvailable,
  isNativeLoadFailure,
  loadOptional,
  missingDependency,
  requireOptional,
  sqliteBinding,
} from '../../../src/foundation/optional/optional-import.ts'
import { REPO_ROOT } from '../../support/temp-dir.ts'

const DEPS = Object.keys(OPTIONAL_DEPENDENCIES) as OptionalDependency[]
const FIXTURE_MANIFEST = join(REPO_ROOT, 'specs', 'fixtures', 'drift', 'package.json')

function notFound(message: string, code = 'ERR_MODULE_NOT_FOUND'): Error {
  return Object.assign(new Error(message), { code })
}

describe('loadOptional()', () => {
  test.for(DEPS)(
    '%s: the module where it resolves, a typed error with the pinned fix where it does not',
    async (dep) => {
      if (!hiddenHere().includes(dep)) {
        const loaded = (await loadOptional(dep)) as Record<string, unknown>
        expect(Object.keys(loaded).length).toBeGreaterThan(0)
        expect(isDependencyAvailable(dep)).toBe(true)
        return
      }
      const error = await loadOptional(dep).then(
        () => null,
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(MissingDependencyError)
      expect(isUserError(error) && error.exitCode).toBe(2)
      expect((error as MissingDependencyError).reason).toBe('hidden')
      expect((error as MissingDependencyError).remediation).toBe(installCommand(dep))
      expect((error as Error).message).toContain(`Fix: ${installCommand(dep)}`)
      expect(isDependencyAvailable(dep)).toBe(false)
      expect(missingDependency(dep)?.dependency).toBe(dep)
    },
  )

  test('requireOptional() loads the CommonJS ones the same way', () => {
    for (const dep of ['better-sqlite3', 'onnxruntime-node'] as const) {
      if (hiddenHere().includes(dep)) expect(() => requireOptional(dep), dep).toThrow(MissingDependencyError)
      else expect(requireOptional(dep), dep).toBeTruthy()
    }
    if (!hiddenHere().includes('better-sqlite3')) expect(typeof requireOptional('better-sqlite3')).toBe('function')
  })

  test("sqliteBinding() is the binary better-sqlite3's own search loads (the same module), so passing it skips only the search", () => {
    if (hiddenHere().includes('better-sqlite3')) return
    const Sqlite = requireOptional('better-sqlite3')
    const binding = sqliteBinding()
    expect(binding).toMatch(/better-sqlite3[\\/]build[\\/]Release[\\/]better_sqlite3\.node$/)
    // What `bindings` finds in better-sqlite3's folder is the very file (one module object).
    const main = createRequire(import.meta.url).resolve('better-sqlite3')
    const bindings = createRequire(main)('bindings') as (o: { bindings: string; module_root: string }) => unknown
    const searched = bindings({ bindings: 'better_sqlite3.node', module_root: join(main, '..', '..') })
    expect(createRequire(import.meta.url)(binding as string)).toBe(searched)
    const db = new Sqlite(':memory:', { nativeBinding: binding })
    expect(db.prepare('SELECT 1 + 1 AS n').get()).toEqual({ n: 2 })
    db.close()
  })
})

describe('dependencyError()', () => {
  const pin = declaredPin('better-sqlite3').version

  test('a package Node cannot find → not-installed, with `npm i <pkg>@<pinned>` (dev deps with -D)', () => {
    const error = dependencyError(
      'better-sqlite3',
      notFound("Cannot find package 'better-sqlite3' imported from /x.ts"),
    )
    expect(error.reason).toBe('not-installed')
    expect(error.remediation).toBe(`npm i better-sqlite3@${pin}`)
    expect(error.message).toBe(
      `optional dependency better-sqlite3 is not installed; it provides ${OPTIONAL_DEPENDENCIES['better-sqlite3'].provides}. Fix: npm i better-sqlite3@${pin}`,
    )
    expect(error.hint).toBe('`npm ci` installs every version package-lock.json pins')
    const cjs = dependencyError(
      '@vitest/coverage-v8',
      notFound("Cannot find module '@vitest/coverage-v8'", 'MODULE_NOT_FOUND'),
    )
    expect(cjs.remediation).toBe(`npm i -D @vitest/coverage-v8@${declaredPin('@vitest/coverage-v8').version}`)
    const byPath = dependencyError(
      'onnxruntime-node',
      notFound("Cannot find module '/repo/node_modules/onnxruntime-node/dist/index.js' imported from /x.ts"),
    )
    expect(byPath.reason).toBe('not-installed')
  })

  test('installed but broken (a missing helper inside it, a native build for another Node) → failed-to-load, npm rebuild', () => {
    const inner = notFound(
      "Cannot find module 'bindings'\nRequire stack:\n- /repo/node_modules/better-sqlite3/lib/database.js",
      'MODULE_NOT_FOUND',
    )
    const broken = dependencyError('better-sqlite3', inner)
    expect(broken.reason).toBe('failed-to-load')
    expect(broken.remediation).toBe(`npm rebuild better-sqlite3 (or npm i better-sqlite3@${pin})`)
    expect(broken.message).toContain("is installed but failed to load (Cannot find module 'bindings')")
    expect(broken.cause).toBe(inner)
    const dlopen = dependencyError(
      'better-sqlite3',
      notFound('was compiled against NODE_MODULE_VERSION 127', 'ERR_DLOPEN_FAILED'),
    )
    expect(dlopen.reason).toBe('failed-to-load')
    expect(isMissingDependency(dlopen, 'better-sqlite3')).toBe(true)
    expect(isMissingDependency(dlopen, 'onnxruntime-node')).toBe(false)
    expect(dependencyError('better-sqlite3', dlopen)).toBe(dlopen)
  })
})

describe('a native binary that never built (npm 12 skipped the install script) or does not load', () => {
  const neverBuilt = new Error(
    'Could not locate the bindings file. Tried:\n → /repo/node_modules/better-sqlite3/build/better_sqlite3.node',
  )

  test('isNativeLoadFailure: the bindings helper finding no build, or dlopen failing; not a file error', () => {
    expect(isNativeLoadFailure(neverBuilt)).toBe(true)
    expect(isNativeLoadFailure(notFound('was compiled against NODE_MODULE_VERSION 127', 'ERR_DLOPEN_FAILED'))).toBe(
      true,
    )
    expect(
      isNativeLoadFailure(Object.assign(new Error('unable to open database file'), { code: 'SQLITE_CANTOPEN' })),
    ).toBe(false)
    expect(isNativeLoadFailure(undefined)).toBe(false)
  })

  test('the fix allows and builds it (init, or npm install-scripts approve + rebuild), in one line', () => {
    const error = dependencyError('better-sqlite3', neverBuilt)
    expect(error.reason).toBe('failed-to-load')
    expect(error.remediation).toContain('`npx codex-gates init` allows and builds it')
    expect(error.remediation).toContain('`npm install-scripts approve better-sqlite3 && npm rebuild better-sqlite3`')
    expect(error.message).toContain('is installed but failed to load (Could not locate the bindings file. Tried:)')
    expect(error.message).not.toContain('\n')
  })
})

describe('installCommand()', () => {
  test('reads the pin and the dependency kind from package.json', () => {
    expect(installCommand('better-sqlite3', FIXTURE_MANIFEST)).toBe('npm i better-sqlite3@12.11.1')
    expect(installCommand('@vitest/coverage-v8', FIXTURE_MANIFEST)).toBe('npm i -D @vitest/coverage-v8@4.1.12')
    expect(installCommand('onnxruntime-node', FIXTURE_MANIFEST)).toBe('npm i onnxruntime-node')
    expect(installCommand('x', join(REPO_ROOT, 'no-such-package.json'))).toBe('npm i x')
  })

  test('every optional dependency is pinned exactly in this repository', () => {
    for (const dep of DEPS) expect(declaredPin(dep).version, dep).toMatch(/^\d+\.\d+\.\d+$/)
  })
})
