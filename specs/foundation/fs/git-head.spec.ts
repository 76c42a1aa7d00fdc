import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { headInfo } from '../../../src/adapters/hooks/git.ts'
import { headFromFiles } from '../../../src/foundation/fs/git-head.ts'
import { gitIn } from '../../support/git-in.ts'
import { tempDir } from '../../support/temp-dir.ts'

const env = { ...process.env, GIT_DIR: undefined, GIT_WORK_TREE: undefined, GIT_INDEX_FILE: undefined }

/** What git itself says (the process headInfo starts when the files do not answer). */
function fromGit(root: string) {
  const git = gitIn(root)
  const gitDir = git('rev-parse', '--absolute-git-dir')
  let sha: string | null = null
  let branch: string | null = null
  try {
    sha = git('rev-parse', '--verify', '--quiet', 'HEAD')
  } catch {
    sha = null
  }
  if (sha) {
    const abbrev = git('rev-parse', '--abbrev-ref', 'HEAD')
    branch = abbrev === 'HEAD' ? null : abbrev
  } else {
    branch = git('symbolic-ref', '--short', 'HEAD')
  }
  return { gitDir, sha, branch }
}

function repo() {
  const root = tempDir('git-head-')
  const git = gitIn(root)
  git('init', '-q', '-b', 'main')
  return { root, git }
}

describe('headFromFiles()', () => {
  test('answers as git does: unborn, on a branch, packed, detached', async () => {
    const { root, git } = repo()
    expect(headFromFiles(root, env)).toEqual(fromGit(root)) // unborn: no sha, the branch to be created
    writeFileSync(join(root, 'a.txt'), 'a\n')
    git('add', '.')
    git('commit', '-q', '-m', 'one')
    expect(headFromFiles(root, env)).toEqual(fromGit(root))
    git('checkout', '-q', '-b', 'feature/x')
    expect(headFromFiles(root, env)).toEqual(fromGit(root))
    git('pack-refs', '--all') // the ref now lives in packed-refs only
    expect(headFromFiles(root, env)).toEqual(fromGit(root))
    expect(headFromFiles(root, env)?.branch).toBe('feature/x')
    git('checkout', '-q', '--detach')
    expect(headFromFiles(root, env)).toEqual({ ...fromGit(root), branch: null })
    expect(await headInfo({ cwd: root, env })).toEqual(fromGit(root))
  })

  test('leaves to git what only git abbreviates or locates: a tag named like the branch, GIT_DIR, a linked worktree', async () => {
    const { root, git } = repo()
    writeFileSync(join(root, 'a.txt'), 'a\n')
    git('add', '.')
    git('commit', '-q', '-m', 'one')
    git('tag', 'main')
    expect(headFromFiles(root, env)).toBeUndefined()
    expect(await headInfo({ cwd: root, env })).toEqual(fromGit(root)) // git says heads/main
    expect(fromGit(root).branch).toBe('heads/main')
    git('tag', '-d', 'main')
    expect(headFromFiles(root, { ...env, GIT_DIR: join(root, '.git') })).toBeUndefined()
    const linked = join(tempDir('git-head-wt-'), 'wt')
    git('worktree', 'add', '-q', '-b', 'side', linked)
    expect(headFromFiles(linked, env)).toBeUndefined()
    expect(await headInfo({ cwd: linked, env })).toEqual(fromGit(linked))
  })
})
