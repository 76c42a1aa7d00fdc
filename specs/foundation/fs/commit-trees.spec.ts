import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { forgetDigests } from '../../../src/foundation/fs/blob-digest.ts'
import {
  commitTree,
  commitTreesHere,
  forgetCommitTrees,
  rememberCommitTree,
} from '../../../src/foundation/fs/commit-trees.ts'
import { digestMemoPath, loadDigestMemo, saveDigestMemo } from '../../../src/foundation/fs/digest-memo.ts'
import { gitIn } from '../../support/git-in.ts'
import { tempDir } from '../../support/temp-dir.ts'

const dir = tempDir('commit-trees-')
let made = 0

/** A repository with one commit (a loose object until packed): its .git, HEAD's sha and tree. */
function repo(): { gitDir: string; sha: string; tree: string; git: (...args: string[]) => string } {
  const path = join(dir, `r${made++}`)
  execFileSync('git', ['init', '-q', '-b', 'main', path])
  const git = gitIn(path)
  writeFileSync(join(path, 'a.txt'), `${made}\n`)
  git('add', 'a.txt')
  git('commit', '-q', '-m', 'first')
  return { gitDir: join(path, '.git'), sha: git('rev-parse', 'HEAD'), tree: git('rev-parse', 'HEAD^{tree}'), git }
}

afterEach(() => {
  forgetCommitTrees()
  forgetDigests()
})

describe('commitTree()', () => {
  test("reads a loose commit's tree as git does, and remembers it once the object is packed", () => {
    const { gitDir, sha, tree, git } = repo()
    expect(commitTree(gitDir, sha)).toBe(tree)
    expect(commitTreesHere()).toEqual({ trees: { [sha]: tree }, fresh: true })
    git('gc', '-q', '--prune=now')
    expect(existsSync(join(gitDir, 'objects', sha.slice(0, 2), sha.slice(2)))).toBe(false)
    expect(commitTree(gitDir, sha)).toBe(tree) // remembered in this process
    forgetCommitTrees()
    expect(commitTree(gitDir, sha)).toBeUndefined() // a fresh process cannot read a packed commit
  })

  test('a digest memo carries the pairs to the next process; only read pairs are written', () => {
    const { gitDir, sha, tree, git } = repo()
    const memo = digestMemoPath(join(dir, `cache-${made}.json`))
    saveDigestMemo(memo)
    expect(existsSync(memo)).toBe(false) // nothing read: nothing to keep
    expect(commitTree(gitDir, sha)).toBe(tree)
    saveDigestMemo(memo)
    expect(JSON.parse(readFileSync(memo, 'utf8')).commits).toEqual({ [sha]: tree })
    git('gc', '-q', '--prune=now')
    forgetCommitTrees() // the next process
    loadDigestMemo(memo)
    expect(commitTree(gitDir, sha)).toBe(tree) // packed now: only the memo could answer
    expect(commitTreesHere().fresh).toBe(false)
  })

  test('a pair git gave for a packed commit answers from then on, and reaches the memo; malformed ids are not taken', () => {
    const { gitDir, sha, tree, git } = repo()
    git('gc', '-q', '--prune=now')
    expect(commitTree(gitDir, sha)).toBeUndefined() // packed: a fresh clone's HEAD
    rememberCommitTree(sha, git('rev-parse', `${sha}^{tree}`))
    rememberCommitTree('HEAD', tree)
    rememberCommitTree(sha.replace(/.$/, 'x'), tree)
    expect(commitTree(gitDir, sha)).toBe(tree)
    expect(commitTreesHere()).toEqual({ trees: { [sha]: tree }, fresh: true })
    const memo = digestMemoPath(join(dir, `given-${made}.json`))
    saveDigestMemo(memo)
    forgetCommitTrees()
    loadDigestMemo(memo)
    expect(commitTree(gitDir, sha)).toBe(tree)
    rememberCommitTree(sha, tree) // the same pair again: nothing new to write
    expect(commitTreesHere().fresh).toBe(false)
  })

  test("malformed memo pairs are ignored, and a commit that cannot be read is nobody's tree", () => {
    const { gitDir, sha, tree } = repo()
    const memo = digestMemoPath(join(dir, `bad-${made}.json`))
    const other = 'b'.repeat(40)
    writeFileSync(
      memo,
      JSON.stringify({ version: 1, files: {}, commits: { [sha]: 'not-a-sha', XYZ: tree, [other]: 42 } }),
    )
    loadDigestMemo(memo)
    expect(commitTree(gitDir, sha)).toBe(tree) // the bad pair was not taken: read from the object
    expect(commitTree(gitDir, other)).toBeUndefined()
    expect(commitTree(gitDir, 'HEAD')).toBeUndefined()
    writeFileSync(memo, JSON.stringify({ version: 1, files: {}, commits: [tree] }))
    forgetCommitTrees()
    loadDigestMemo(memo)
    expect(commitTreesHere().trees).toEqual({})
  })
})
