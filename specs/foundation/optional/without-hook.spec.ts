import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, test } from 'vitest'
import { hiddenEnv, hiddenHere, unhiddenEnv } from '../../../src/adapters/vitest/drift-projects.ts'
import {
  OPTIONAL_DEPENDENCIES,
  type OptionalDependency,
} from '../../../src/foundation/optional/optional-dependencies.ts'
import {
  HIDDEN_MARKER,
  hiddenError,
  hiddenPackage,
  parseWithout,
} from '../../../src/foundation/optional/without-hook.mjs'
import { REPO_ROOT } from '../../support/temp-dir.ts'

const DEPS = Object.keys(OPTIONAL_DEPENDENCIES) as OptionalDependency[]
const PROBE = join(REPO_ROOT, 'specs', 'fixtures', 'drift', 'import-dependency.mjs')
const NM = join(REPO_ROOT, 'node_modules')
const SPEC = pathToFileURL(join(REPO_ROOT, 'specs', 'x.spec.ts')).href
const VITEST_CHUNK = pathToFileURL(join(NM, 'vitest', 'dist', 'chunks', 'coverage.js')).href
const EVALUATOR = pathToFileURL(join(NM, 'vitest', 'dist', 'module-evaluator.js')).href

/** Plain `node` (no loader of ours) importing and resolving `dep` under `env`. */
function probe(dep: string, env: NodeJS.ProcessEnv): { import: string; require: string } {
  return JSON.parse(execFileSync(process.execPath, [PROBE, dep], { env, encoding: 'utf8', timeout: 20_000 }))
}

describe('the drift hook (module.register + require)', () => {
  test.for(DEPS)('%s: with the hook neither import nor require resolves it; without it both do', (dep, ctx) => {
    if (hiddenHere().length > 0) ctx.skip('runs in the unit project; each drift cell proves its own dependency below')
    const hidden = probe(dep, { ...unhiddenEnv(), ...hiddenEnv([dep], unhiddenEnv()) })
    expect(hidden.import).toMatch(new RegExp(`^ERR_MODULE_NOT_FOUND: Cannot find package '${dep}'.*${HIDDEN_MARKER}`))
    expect(hidden.require).toMatch(new RegExp(`^MODULE_NOT_FOUND: Cannot find package '${dep}'.*${HIDDEN_MARKER}`))
    expect(probe(dep, unhiddenEnv())).toEqual({ import: 'ok', require: 'ok' })
  })

  test('in a drift cell this process cannot import the hidden dependency; without the hook a child can', async (ctx) => {
    const hidden = hiddenHere()
    if (hidden.length === 0) ctx.skip('nothing is hidden in this project; this runs in the drift:* cells')
    for (const dep of hidden) {
      await expect(import(/* @vite-ignore */ dep), dep).rejects.toThrow(HIDDEN_MARKER)
      expect(() => createRequire(import.meta.url).resolve(dep), dep).toThrow(HIDDEN_MARKER)
      expect(probe(dep, unhiddenEnv()), dep).toEqual({ import: 'ok', require: 'ok' })
    }
  })
})

describe('hiddenPackage()', () => {
  const hidden = ['better-sqlite3', '@vitest/coverage-v8']

  test('hides a package however it is requested', () => {
    expect(hiddenPackage('better-sqlite3', SPEC, null, hidden)).toBe('better-sqlite3')
    expect(hiddenPackage('better-sqlite3/lib/index.js', SPEC, null, hidden)).toBe('better-sqlite3')
    const file = join(NM, 'better-sqlite3', 'lib', 'index.js')
    expect(hiddenPackage(file, EVALUATOR, null, hidden)).toBe('better-sqlite3') // how Vitest imports externals
    expect(hiddenPackage(pathToFileURL(file).href, SPEC, null, hidden)).toBe('better-sqlite3')
    expect(hiddenPackage('./alias.js', SPEC, pathToFileURL(file).href, hidden)).toBe('better-sqlite3')
    expect(hiddenPackage('@vitest/coverage-v8', SPEC, null, hidden)).toBe('@vitest/coverage-v8')
    expect(hiddenPackage('@vitest/coverage-v8', EVALUATOR, null, hidden)).toBe('@vitest/coverage-v8') // a spec's import()
  })

  test('leaves alone other packages, look-alike names, the package itself and the test runner', () => {
    expect(hiddenPackage('onnxruntime-node', SPEC, null, hidden)).toBeNull()
    expect(hiddenPackage('better-sqlite3-extra', SPEC, null, hidden)).toBeNull()
    expect(hiddenPackage('@vitest/coverage-istanbul', SPEC, null, hidden)).toBeNull()
    const inside = pathToFileURL(join(NM, '@vitest', 'coverage-v8', 'dist', 'index.js')).href
    expect(hiddenPackage('./provider.js', inside, inside.replace('index.js', 'provider.js'), hidden)).toBeNull()
    expect(hiddenPackage('@vitest/coverage-v8', VITEST_CHUNK, null, hidden)).toBeNull()
    expect(hiddenPackage('better-sqlite3', SPEC, null, [])).toBeNull()
  })

  test('parseWithout() splits the variable; hiddenError() reads like Node’s own', () => {
    expect(parseWithout(' better-sqlite3, ,@vitest/coverage-v8 ')).toEqual(hidden)
    expect(parseWithout(undefined)).toEqual([])
    const error = hiddenError('better-sqlite3', 'better-sqlite3', '/repo/src/a.ts', 'MODULE_NOT_FOUND')
    expect(error.code).toBe('MODULE_NOT_FOUND')
    expect(error.message).toBe(
      `Cannot find package 'better-sqlite3' imported from /repo/src/a.ts (${HIDDEN_MARKER}; requested as 'better-sqlite3')`,
    )
  })
})
