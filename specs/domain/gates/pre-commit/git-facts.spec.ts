import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { gitFacts } from '../../../../src/domain/gates/pre-commit/git-facts.ts'
import { gitIn } from '../../../support/git-in.ts'
import { tempDir } from '../../../support/temp-dir.ts'

const dir = tempDir('git-facts-')

/** A repository with `a.txt` committed on main; returns its path and a git runner in it. */
function repo(name: string) {
  const path = join(dir, name)
  mkdirSync(path)
  const git = gitIn(path)
  git('init', '-q', '-b', 'main')
  writeFileSync(join(path, 'a.txt'), 'a\n')
  git('add', 'a.txt')
  git('commit', '-q', '-m', 'first')
  return { path, git }
}

describe('gitFacts()', () => {
  test('hooks that read no facts ask git nothing, even outside a repository', () => {
    expect(gitFacts(join(dir, 'nowhere-at-all'), ['trailing-whitespace', 'check-json'])).toEqual({})
  })

  test('outside a git repository: no facts', () => {
    const outside = join(dir, 'plain')
    mkdirSync(outside)
    expect(gitFacts(outside, ['check-case-conflict', 'no-commit-to-branch'])).toEqual({})
  })

  test('only the facts the hooks read: staged additions, tracked files, the branch', () => {
    const { path, git } = repo('basic')
    writeFileSync(join(path, 'new file.txt'), 'n\n')
    git('add', 'new file.txt')
    expect(gitFacts(path, ['check-case-conflict', 'no-commit-to-branch'])).toEqual({
      trackedFiles: ['a.txt', 'new file.txt'],
      addedFiles: new Set(['new file.txt']),
      branch: 'main',
    })
    git('checkout', '-q', '--detach')
    expect(gitFacts(path, ['no-commit-to-branch'])).toEqual({ branch: null })
  })

  test('in a merge only while MERGE_MSG and MERGE_HEAD (or a rebase folder) are both there', () => {
    const { path } = repo('merge')
    const inMerge = () => gitFacts(path, ['check-merge-conflict']).inMerge
    expect(inMerge()).toBe(false)
    writeFileSync(join(path, '.git', 'MERGE_MSG'), 'Merge branch x\n')
    expect(inMerge()).toBe(false)
    mkdirSync(join(path, '.git', 'rebase-merge'))
    expect(inMerge()).toBe(true)
    writeFileSync(join(path, '.git', 'MERGE_HEAD'), `${'0'.repeat(40)}\n`)
    expect(inMerge()).toBe(true)
    // From a subfolder git names the git folder absolutely; the answer is the same.
    mkdirSync(join(path, 'sub'))
    expect(gitFacts(join(path, 'sub'), ['check-merge-conflict']).inMerge).toBe(true)
  })

  test('staged submodules: gitlinks only, not ordinary added files', () => {
    const { path, git } = repo('submodules')
    const sha = git('rev-parse', 'HEAD')
    git('update-index', '--add', '--cacheinfo', `160000,${sha},vendor/lib`)
    writeFileSync(join(path, 'b.txt'), 'b\n')
    git('add', 'b.txt')
    expect(gitFacts(path, ['forbid-new-submodules'])).toEqual({ addedSubmodules: ['vendor/lib'] })
  })

  test('LFS files: the given paths whose filter attribute is lfs; none asked without paths', () => {
    const { path } = repo('lfs')
    writeFileSync(join(path, '.gitattributes'), '*.bin filter=lfs diff=lfs merge=lfs -text\n')
    const facts = gitFacts(path, ['check-added-large-files'], ['model.bin', 'notes.txt', 'deep/w.bin'])
    expect(facts.lfsFiles).toEqual(new Set(['model.bin', 'deep/w.bin']))
    expect(facts.addedFiles).toEqual(new Set())
    expect(gitFacts(path, ['check-added-large-files']).lfsFiles).toEqual(new Set())
  })
})
