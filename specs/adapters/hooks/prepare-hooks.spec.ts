import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { FAST_STUB, fastHuskyRunner } from '../../../src/foundation/build/husky-runtime.mjs'
import { REPO_ROOT, tempDir } from '../../support/temp-dir.ts'

/** A copy of the prepare script in a folder that is not this checkout (a tarball, `npm pack`). */
function copy(withGit: boolean): string {
  const dir = tempDir('prepare-')
  mkdirSync(join(dir, 'scripts'))
  copyFileSync(join(REPO_ROOT, 'scripts', 'prepare-hooks.mjs'), join(dir, 'scripts', 'prepare-hooks.mjs'))
  if (withGit) spawnSync('git', ['init', '-q'], { cwd: dir })
  return dir
}

const prepare = (cwd: string, env: NodeJS.ProcessEnv = process.env) =>
  spawnSync(process.execPath, ['scripts/prepare-hooks.mjs'], { cwd, env, encoding: 'utf8', timeout: 60_000 })

describe('npm prepare (scripts/prepare-hooks.mjs)', () => {
  test('succeeds where there is no .git, saying hooks were not installed', () => {
    const r = prepare(copy(false))
    expect(r.status).toBe(0)
    expect(r.stdout).toContain('no .git here, git hooks not installed')
  })

  test('succeeds where husky and the bundler are missing (--omit=dev), saying so', () => {
    const r = prepare(copy(true))
    expect(r.status).toBe(0)
    expect(r.stdout).toContain('git hooks not installed')
    expect(r.stdout).toContain('hook runner not bundled')
  })

  test("with husky there, its runtime is installed without husky's name-lookup processes", () => {
    const dir = copy(true)
    mkdirSync(join(dir, 'src', 'foundation', 'build'), { recursive: true })
    copyFileSync(
      join(REPO_ROOT, 'src', 'foundation', 'build', 'husky-runtime.mjs'),
      join(dir, 'src', 'foundation', 'build', 'husky-runtime.mjs'),
    )
    mkdirSync(join(dir, 'node_modules'))
    symlinkSync(join(REPO_ROOT, 'node_modules', 'husky'), join(dir, 'node_modules', 'husky'))
    const r = prepare(dir)
    expect(r.status, r.stdout + r.stderr).toBe(0)
    expect(r.stdout).not.toContain('git hooks not installed')
    const husky = readFileSync(join(REPO_ROOT, 'node_modules', 'husky', 'husky'), 'utf8')
    expect(readFileSync(join(dir, '.husky', '_', 'h'), 'utf8')).toBe(fastHuskyRunner(husky))
    expect(readFileSync(join(dir, '.husky', '_', 'pre-commit'), 'utf8')).toBe(FAST_STUB)
  })

  test('HUSKY=0 skips it', () => {
    const r = prepare(copy(true), { ...process.env, HUSKY: '0' })
    expect(r.status).toBe(0)
    expect(r.stdout).toContain('HUSKY=0')
  })
})
