// husky's runtime without its name-lookup processes behaves as husky's own: the hook script found
// next to `_`, its arguments and exit code passed on, HUSKY=0 and a missing script a silent exit 0,
// husky's failure line. Each case runs through both runtimes, invoked as git does (a path with a
// slash, relative or absolute; husky's own `h` recurses forever when called from inside `_`).
import { spawnSync } from 'node:child_process'
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { FAST_STUB, fastHuskyRunner, HUSKY_STUB, speedUpHusky } from '../../../src/foundation/build/husky-runtime.mjs'
import { REPO_ROOT, tempDir } from '../../support/temp-dir.ts'

const HUSKY = join(REPO_ROOT, 'node_modules', 'husky', 'husky')

/** A folder with husky's layout (`hooks/_/h`, stubs) and hook scripts in `hooks/`; `fast` rewrites it. */
function layout(fast: boolean): string {
  const base = tempDir('husky-runtime-')
  const hooks = join(base, 'hooks')
  mkdirSync(join(hooks, '_'), { recursive: true })
  copyFileSync(HUSKY, join(hooks, '_', 'h'))
  for (const hook of ['pre-commit', 'pre-push', 'post-commit']) {
    writeFileSync(join(hooks, '_', hook), HUSKY_STUB)
    chmodSync(join(hooks, '_', hook), 0o755)
  }
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell text
  writeFileSync(join(hooks, 'pre-commit'), 'echo "ran $# args: $*"; echo "PATH starts ${PATH%%:*}"\n')
  writeFileSync(join(hooks, 'pre-push'), 'echo refusing >&2\nexit 3\n')
  // no post-commit script: husky exits 0 without a word
  if (fast) expect(speedUpHusky(join(hooks, '_')).sort()).toEqual(['h', 'post-commit', 'pre-commit', 'pre-push'])
  return base
}

function run(base: string, hook: string, how: 'relative' | 'absolute' | 'inside', env: Record<string, string> = {}) {
  const cwd = how === 'inside' ? join(base, 'hooks', '_') : base
  const path =
    how === 'relative' ? join('hooks', '_', hook) : how === 'absolute' ? join(base, 'hooks', '_', hook) : hook
  const r = spawnSync('sh', [path, 'one', 'two'], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: base, XDG_CONFIG_HOME: base, ...env },
    encoding: 'utf8',
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('husky runtime without processes', () => {
  test('rewrites exactly husky 9 `h` and its stubs; anything else is left alone', () => {
    const h = readFileSync(HUSKY, 'utf8')
    const fast = fastHuskyRunner(h)
    expect(fast).toBeDefined()
    expect(fast).not.toMatch(/\$\((?:dirname|basename)/)
    expect(fastHuskyRunner('#!/usr/bin/env sh\necho custom\n')).toBeUndefined()
    const base = tempDir('husky-runtime-')
    mkdirSync(join(base, '_'))
    writeFileSync(join(base, '_', 'h'), h)
    writeFileSync(join(base, '_', 'pre-commit'), HUSKY_STUB)
    writeFileSync(join(base, '_', 'commit-msg'), '#!/usr/bin/env sh\necho mine\n')
    expect(speedUpHusky(join(base, '_')).sort()).toEqual(['h', 'pre-commit'])
    expect(readFileSync(join(base, '_', 'pre-commit'), 'utf8')).toBe(FAST_STUB)
    expect(readFileSync(join(base, '_', 'commit-msg'), 'utf8')).toBe('#!/usr/bin/env sh\necho mine\n')
    expect(speedUpHusky(join(base, '_'))).toEqual([]) // already rewritten: nothing to do
  })

  test.each([
    ['pre-commit', 'relative', {}],
    ['pre-commit', 'absolute', {}],
    ['pre-commit', 'relative', { HUSKY: '0' }],
    ['pre-push', 'relative', {}],
    ['pre-push', 'absolute', {}],
    ['post-commit', 'absolute', {}],
  ] as const)('%s called %s with %o: the same as husky', (hook, how, env) => {
    const husky = run(layout(false), hook, how, env)
    const fast = run(layout(true), hook, how, env)
    expect(fast).toEqual(husky)
  })

  test('the cases above are not vacuous: the script runs with its arguments, and a failure is husky’s', () => {
    const base = layout(true)
    expect(run(base, 'pre-commit', 'relative')).toEqual({
      code: 0,
      stdout: 'ran 2 args: one two\nPATH starts node_modules/.bin\n',
      stderr: '',
    })
    expect(run(base, 'pre-commit', 'relative', { HUSKY: '0' })).toEqual({ code: 0, stdout: '', stderr: '' })
    const push = run(base, 'pre-push', 'absolute')
    expect(push).toEqual({ code: 3, stdout: 'husky - pre-push script failed (code 3)\n', stderr: 'refusing\n' })
  })
})
