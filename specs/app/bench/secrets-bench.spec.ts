// The `secrets` benchmark's comparison install (src/app/bench/secrets-bench.ts): an npm that cannot
// install secretlint is the environment, not a bug. A stand-in `npm` script plays the offline one.
import { execFile } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { installSecretlint } from '../../../src/app/bench/secrets-bench.ts'
import { UserError } from '../../../src/foundation/errors/user-error.ts'
import { REPO_ROOT, tempDir } from '../../support/temp-dir.ts'

/** A folder holding an executable `npm` that fails the way npm does offline. */
function offlineNpm(): string {
  const dir = tempDir('offline-npm-')
  const npm = join(dir, 'npm')
  writeFileSync(
    npm,
    [
      '#!/bin/sh',
      'echo "npm error code ENOTFOUND" >&2',
      'echo "npm error network request to https://registry.npmjs.org/secretlint failed, reason: getaddrinfo ENOTFOUND registry.npmjs.org" >&2',
      'exit 1',
    ].join('\n'),
  )
  chmodSync(npm, 0o755)
  return dir
}

const HINT =
  'check that the npm registry is reachable (`npm ping`) and retry, or leave the comparison out: npm run bench -- secrets --no-secretlint'

describe('installSecretlint()', () => {
  test("a failed install is a UserError carrying npm's error lines and the fix", () => {
    const prefix = join(tempDir('secretlint-prefix-'), 'install')
    let error: unknown
    try {
      installSecretlint(prefix, join(offlineNpm(), 'npm'))
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(UserError)
    const e = error as UserError
    expect([e.code, e.exitCode, e.hint]).toEqual(['BENCH_SECRETLINT', 2, HINT])
    expect(e.message).toBe(
      'could not install secretlint for the comparison column (npm install exited 1: npm error code ENOTFOUND / npm error network request to https://registry.npmjs.org/secretlint failed, reason: getaddrinfo ENOTFOUND registry.npmjs.org)',
    )
  })

  test('a missing npm is the same user error; an installed secretlint is reused without npm', () => {
    const prefix = join(tempDir('secretlint-prefix-'), 'install')
    expect(() => installSecretlint(prefix, join(prefix, 'no-such-npm'))).toThrow(/spawnSync .*no-such-npm ENOENT/)
    const bin = join(prefix, 'node_modules', '.bin', 'secretlint')
    mkdirSync(join(prefix, 'node_modules', '.bin'), { recursive: true })
    writeFileSync(bin, '')
    expect(installSecretlint(prefix, join(prefix, 'no-such-npm'))).toBe(bin)
    expect(existsSync(bin)).toBe(true)
  })
})

describe('npm run bench -- secrets', () => {
  test('offline: exit 2 with the message and fix, no BUG line', async () => {
    const tmp = tempDir('bench-secrets-tmp-')
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(
        join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
        [join(REPO_ROOT, 'scripts', 'bench.ts'), 'secrets', '--mb', '1', '--repeats', '1'],
        {
          cwd: REPO_ROOT,
          env: { ...process.env, PATH: `${offlineNpm()}:${process.env.PATH}`, TMPDIR: tmp, NO_COLOR: '1' },
        },
        (error, _stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stderr }),
      )
    })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(
      'error: could not install secretlint for the comparison column (npm install exited 1',
    )
    expect(result.stderr).toContain(`  hint: ${HINT}`)
    expect(result.stderr).not.toContain('BUG:')
  }, 60_000)
})
