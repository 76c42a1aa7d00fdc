import { execFileSync } from 'node:child_process'
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, test } from 'vitest'
import {
  gatesRoot,
  isGitRepo,
  listRepoFiles,
  listRepoFilesAsync,
  PACKAGE_ROOT,
} from '../../../src/domain/gates/repo-files.ts'
import { treeView } from '../../../src/domain/gates/tree-view.ts'
import { userErrorFrom } from '../../support/user-error.ts'
import { tempDir, tempRepo } from './_temp-repo.ts'

describe('gatesRoot()', () => {
  test('an explicit folder wins over GATES_ROOT, which wins over this repository', () => {
    const a = tempDir()
    const b = tempDir()
    expect(gatesRoot({ GATES_ROOT: b }, a)).toBe(resolve(a))
    expect(gatesRoot({ GATES_ROOT: b })).toBe(resolve(b))
    expect(gatesRoot({})).toBe(PACKAGE_ROOT)
    expect(PACKAGE_ROOT).toBe(resolve(import.meta.dirname, '../../..'))
  })

  test('a missing --root names the path and the flag', () => {
    const missing = join(tempDir(), 'nope')
    const error = userErrorFrom(() => gatesRoot({}, missing))
    expect(error.code).toBe('GATES_ROOT')
    expect(error.message).toBe(`the repository to gate does not exist or is not a folder: ${missing}`)
    expect(error.hint).toBe('pass an existing folder to --root')
  })

  test('a GATES_ROOT that is a file names the variable in the hint', () => {
    const file = join(tempRepo({ 'f.txt': 'x' }), 'f.txt')
    const error = userErrorFrom(() => gatesRoot({ GATES_ROOT: file }))
    expect(error.message).toContain(file)
    expect(error.hint).toBe('set GATES_ROOT to a repository folder, or unset it')
  })
})

describe('listRepoFiles() in a git repository', () => {
  test('tracked: the index, sorted, without symlinks or files deleted from the work tree', () => {
    const root = tempRepo(
      { 'b.txt': 'b', 'a/z.ts': 'z', 'gone.txt': 'g', '.gitignore': 'ignored.log\n' },
      { git: true },
    )
    symlinkSync('b.txt', join(root, 'link.txt'))
    const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { stdio: 'pipe' })
    git('add', 'link.txt')
    rmSync(join(root, 'gone.txt'))
    writeFileSync(join(root, 'new.txt'), 'untracked')
    writeFileSync(join(root, 'ignored.log'), 'ignored')
    expect(isGitRepo(root)).toBe(true)
    expect(listRepoFiles(root)).toEqual(['.gitignore', 'a/z.ts', 'b.txt'])
    // worktree adds untracked files that are not ignored
    expect(listRepoFiles(root, 'worktree')).toEqual(['.gitignore', 'a/z.ts', 'b.txt', 'new.txt'])
  })

  test('listRepoFilesAsync lists as listRepoFiles does, in both modes', async () => {
    const root = tempRepo({ 'b.txt': 'b', 'gone.txt': 'g', '.gitignore': 'ignored.log\n' }, { git: true })
    symlinkSync('b.txt', join(root, 'link.txt'))
    rmSync(join(root, 'gone.txt'))
    writeFileSync(join(root, 'new.txt'), 'untracked')
    writeFileSync(join(root, 'ignored.log'), 'ignored')
    for (const mode of ['tracked', 'worktree'] as const)
      expect(await listRepoFilesAsync(root, mode)).toEqual(listRepoFiles(root, mode))
    expect(await listRepoFilesAsync(root, 'worktree')).toContain('new.txt')
  })

  test("with a tree view's listing: the same list; what the view listed is not looked at again", async () => {
    const root = tempRepo({ 'b.txt': 'b', 'c.txt': 'c', '.gitignore': 'ignored.log\n' }, { git: true })
    writeFileSync(join(root, 'new.txt'), 'untracked')
    symlinkSync('b.txt', join(root, 'link.txt'))
    const view = treeView(root, 'tracked')
    expect(await listRepoFilesAsync(root, 'worktree', view.listed)).toEqual(listRepoFiles(root, 'worktree'))
    // Deleted after the view looked: within its pass the view's answer stands, as its blob ids do.
    rmSync(join(root, 'c.txt'))
    expect(await listRepoFilesAsync(root, 'worktree', view.listed)).toContain('c.txt')
    expect(await listRepoFilesAsync(root, 'worktree')).not.toContain('c.txt')
  })
})

describe('listRepoFiles() outside git', () => {
  test('walks the folder, skipping .git, node_modules and symlinks', async () => {
    const root = tempRepo({
      'src/a.ts': 'a',
      'README.md': '# r',
      'node_modules/dep/index.js': 'x',
      'nested/node_modules/dep/index.js': 'x',
      '.git/junk': 'not a real git dir',
      '.hidden/file': 'h',
    })
    mkdirSync(join(root, 'empty'))
    symlinkSync('README.md', join(root, 'link.md'))
    symlinkSync('src', join(root, 'src-link'))
    expect(isGitRepo(root)).toBe(false)
    const expected = ['.hidden/file', 'README.md', 'src/a.ts']
    expect(listRepoFiles(root)).toEqual(expected)
    expect(listRepoFiles(root, 'worktree')).toEqual(expected)
    expect(await listRepoFilesAsync(root, 'worktree')).toEqual(expected)
  })
})
