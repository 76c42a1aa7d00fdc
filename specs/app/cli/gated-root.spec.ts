import { mkdirSync, realpathSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { gatedRoot } from '../../../src/app/cli/gated-root.ts'
import { tempDir, tempRepo } from '../../domain/gates/_temp-repo.ts'
import { userErrorFrom } from '../../support/user-error.ts'

describe('gatedRoot()', () => {
  test('the git root, unless a folder on the way up from the working directory holds its own codex-gates.json', () => {
    const root = realpathSync(
      tempRepo(
        {
          'codex-gates.json': '{}',
          'packages/a/codex-gates.json': '{}',
          'packages/a/src/x.ts': '',
          'packages/b/y.ts': '',
        },
        { git: true },
      ),
    )
    expect(gatedRoot(root)).toBe(root)
    expect(gatedRoot(join(root, 'packages', 'b'))).toBe(root)
    expect(gatedRoot(join(root, 'packages', 'a', 'src'))).toBe(join(root, 'packages', 'a'))
    expect(gatedRoot(root, 'packages/a')).toBe(join(root, 'packages', 'a'))
    expect(gatedRoot(root, 'packages/b')).toBe(root) // no config of its own: the repository
  })

  test('outside a git repository: exit 2 with the fix; a missing --root folder is named', () => {
    const dir = tempDir('no-git-')
    mkdirSync(join(dir, 'x'))
    writeFileSync(join(dir, 'x', 'f'), '')
    expect(userErrorFrom(() => gatedRoot(dir))).toMatchObject({
      code: 'NOT_GIT',
      message: `not a git repository: ${dir}`,
    })
    expect(userErrorFrom(() => gatedRoot(dir, 'nope')).message).toBe(
      `--root nope: no such folder (${join(dir, 'nope')})`,
    )
  })
})
