import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { listRepoFiles } from '../../../src/domain/gates/repo-files.ts'
import { treeView } from '../../../src/domain/gates/tree-view.ts'
import { tempRepo } from './_temp-repo.ts'

const hashObject = (root: string, file: string) =>
  execFileSync('git', ['hash-object', file], { cwd: root, encoding: 'utf8' }).trim()

describe('treeView()', () => {
  test("lists as listRepoFiles does and gives git's blob ids and sizes, with or without the index", () => {
    const root = tempRepo({ 'a.txt': 'alpha\n', 'dir/b.json': '{"b": 1}\n' }, { git: true })
    writeFileSync(join(root, 'a.txt'), 'edited, not added\n')
    writeFileSync(join(root, 'new.txt'), 'untracked\n')
    for (const mode of ['tracked', 'worktree'] as const) {
      const viaIndex = treeView(root, mode)
      const hashed = treeView(root, mode, { index: false })
      expect(viaIndex.listing).toEqual(listRepoFiles(root, mode))
      for (const f of ['a.txt', 'dir/b.json', 'new.txt']) {
        expect(viaIndex.digest(f)).toBe(hashObject(root, f))
        expect(hashed.digest(f)).toBe(viaIndex.digest(f))
      }
      expect(viaIndex.size('a.txt')).toBe('edited, not added\n'.length)
      expect(viaIndex.size('new.txt')).toBe('untracked\n'.length) // listed in worktree mode only
      expect(viaIndex.digest('missing.txt')).toBeNull()
      expect(viaIndex.size('missing.txt')).toBe(-1)
    }
  })

  test('once(): computed once per view and key; another view computes again', () => {
    const root = tempRepo({ 'a.txt': 'alpha\n' }, { git: true })
    const view = treeView(root, 'tracked')
    let calls = 0
    const compute = () => ({ n: ++calls })
    const first = view.once('k', compute)
    expect(view.once('k', compute)).toBe(first)
    expect(view.once('other', compute)).toEqual({ n: 2 })
    expect(treeView(root, 'tracked').once('k', compute)).toEqual({ n: 3 })
  })
})
