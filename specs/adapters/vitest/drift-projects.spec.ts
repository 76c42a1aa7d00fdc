import { readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import {
  cellDependency,
  cellName,
  DRIFT_ENV,
  driftProjects,
  hiddenEnv,
  REGISTER_URL,
  unhiddenEnv,
} from '../../../src/adapters/vitest/drift-projects.ts'
import { loadDriftConfig } from '../../../src/domain/drift/drift-config.ts'
import { globMatcher } from '../../../src/foundation/fs/glob.ts'
import { OPTIONAL_DEPENDENCIES } from '../../../src/foundation/optional/optional-dependencies.ts'
import { projects, specEnv } from '../../../vitest.workspace.ts'
import { REPO_ROOT, tempDir } from '../../support/temp-dir.ts'

function driftFile(json: unknown): string {
  const path = join(tempDir('drift-config-'), 'drift.json')
  writeFileSync(path, JSON.stringify(json))
  return path
}

describe('configs/drift.json', () => {
  test('has one cell per optional dependency, each running the hook proof', () => {
    const cells = loadDriftConfig(REPO_ROOT)
    expect(cells.map((c) => c.without).sort()).toEqual(Object.keys(OPTIONAL_DEPENDENCIES).sort())
    for (const cell of cells)
      expect(cell.specs, cell.without).toContain('specs/foundation/optional/without-hook.spec.ts')
  })

  test('every spec glob of every cell matches a spec file (a typo must not shrink a cell silently)', () => {
    const specs = readdirSync(join(REPO_ROOT, 'specs'), { recursive: true, encoding: 'utf8' }).map((f) => `specs/${f}`)
    for (const cell of loadDriftConfig(REPO_ROOT))
      for (const glob of cell.specs)
        expect(specs.filter(globMatcher([glob])), `${cell.without}: ${glob}`).not.toEqual([])
  })

  test('a dependency that is not optional, a repeated cell or an unknown key is a user error naming the path', () => {
    expect(() => loadDriftConfig(REPO_ROOT, driftFile({ cells: [{ without: 'better-sqlite' }] }))).toThrow(
      /\/cells\/0\/without names "better-sqlite", which is not an optional dependency/,
    )
    const twice = { cells: [{ without: 'better-sqlite3' }, { without: 'better-sqlite3' }] }
    expect(() => loadDriftConfig(REPO_ROOT, driftFile(twice))).toThrow(/\/cells\/1\/without repeats "better-sqlite3"/)
    expect(() => loadDriftConfig(REPO_ROOT, driftFile({ cells: [{ without: 'x', spec: [] }] }))).toThrow(
      /\/cells\/0\/spec is not a known setting/,
    )
  })
})

describe('driftProjects()', () => {
  test('the workspace runs one drift:without-<dep> project per cell, with the hook in its environment', () => {
    const generated = driftProjects(REPO_ROOT, { env: specEnv })
    const names = projects.map((p) => p.test?.name)
    for (const cell of loadDriftConfig(REPO_ROOT)) {
      const project = generated.find((p) => p.test?.name === cellName(cell.without))
      expect(names, cell.without).toContain(cellName(cell.without))
      expect(project?.test?.include).toEqual(cell.specs)
      expect(project?.test?.env).toMatchObject({ ...specEnv, [DRIFT_ENV]: cell.without })
      expect(project?.test?.env?.NODE_OPTIONS).toContain(`--import=${REGISTER_URL}`)
    }
  })

  test('cell names fold npm scopes; cellDependency() reads them back', () => {
    expect(cellName('@vitest/coverage-v8')).toBe('drift:without-vitest-coverage-v8')
    expect(cellDependency('drift:without-vitest-coverage-v8')).toBe('@vitest/coverage-v8')
    expect(cellDependency('unit')).toBeNull()
  })

  test('hiddenEnv() adds the hook once after NODE_OPTIONS; unhiddenEnv() takes it back out', () => {
    const env = { NODE_OPTIONS: '--max-old-space-size=512', PATH: '/bin' }
    const hidden = { ...env, ...hiddenEnv(['a', 'b'], env) }
    expect(hidden).toEqual({
      PATH: '/bin',
      [DRIFT_ENV]: 'a,b',
      NODE_OPTIONS: `--max-old-space-size=512 --import=${REGISTER_URL}`,
    })
    expect(hiddenEnv(['a'], hidden).NODE_OPTIONS).toBe(hidden.NODE_OPTIONS)
    expect(unhiddenEnv(hidden)).toEqual(env)
    expect(unhiddenEnv({ ...hiddenEnv(['a'], {}) })).toEqual({})
  })
})
