import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { REPO_ROOT, tempDir } from '../../support/temp-dir.ts'

const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx')
const run = (args: string[], env: NodeJS.ProcessEnv = process.env, cwd = REPO_ROOT) => {
  const r = spawnSync(TSX, [join(REPO_ROOT, 'scripts', 'hook.ts'), ...args], {
    cwd,
    env: { ...env, CODEX_LEDGER: join(tempDir('hook-cli-'), 'ledger.db') },
    encoding: 'utf8',
    timeout: 60_000,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('scripts/hook.ts', () => {
  test('--help lists the hooks and the SKIP names', () => {
    const r = run(['--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('pre-commit')
    expect(r.stdout).toContain('SKIP=lint,python-lint,secrets,env-files,large-files,placeholders,docs-links')
    expect(r.stdout).toContain('run the pre-commit steps on commits already made')
  })

  test('an unknown command is a usage error naming the nearest one', () => {
    const r = run(['pre-comit'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('npm run hook --: unknown command "pre-comit"')
    expect(r.stderr).toContain('did you mean `npm run hook -- pre-commit`?')
  })

  test('outside a git work tree it says so; with HUSKY=0 a hook does nothing at all', () => {
    const outside = tempDir('no-git-')
    const env = { ...process.env, GIT_CEILING_DIRECTORIES: outside.replace(/\/[^/]+$/, '') }
    const r = run(['pre-commit'], env, outside)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('is not inside a git work tree')
    expect(run(['pre-commit'], { ...env, HUSKY: '0' }, outside)).toMatchObject({ code: 0, stderr: '' })
  })

  test('gate without commits is a usage error with an example', () => {
    const r = run(['gate'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('gate: which commits?')
  })
})
