import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { listRepoFiles } from '../../../src/domain/gates/repo-files.ts'
import { fileDigest } from '../../../src/foundation/fs/file-digest.ts'
import { tempDir, tempRepo } from '../../domain/gates/_temp-repo.ts'

const sha = (text: string) => createHash('sha256').update(text).digest()
const anHourAgo = () => new Date(Date.now() - 3_600_000)

describe('fileDigest()', () => {
  test('is the sha256 of the bytes; a missing file is null', () => {
    const path = join(tempDir('digest-'), 'a.txt')
    writeFileSync(path, 'alpha')
    expect(fileDigest(path)).toEqual(sha('alpha'))
    expect(fileDigest(join(tempDir('digest-'), 'missing.txt'))).toBeNull()
  })

  test('an edit that keeps the size is seen while the file is fresh (racy-git rule)', () => {
    const path = join(tempDir('digest-'), 'a.txt')
    writeFileSync(path, 'alpha')
    expect(fileDigest(path)).toEqual(sha('alpha'))
    writeFileSync(path, 'bravo') // same size, mtime within the same second or so
    expect(fileDigest(path)).toEqual(sha('bravo'))
  })

  test('a settled file is read once; a new mtime makes it read again', () => {
    const path = join(tempDir('digest-'), 'a.txt')
    writeFileSync(path, 'alpha')
    const old = anHourAgo()
    utimesSync(path, old, old)
    expect(fileDigest(path)).toEqual(sha('alpha'))
    writeFileSync(path, 'bravo')
    utimesSync(path, old, old) // stat data as before: the remembered digest stands, as in git
    expect(fileDigest(path)).toEqual(sha('alpha'))
    const later = new Date(old.getTime() + 1_000)
    utimesSync(path, later, later)
    expect(fileDigest(path)).toEqual(sha('bravo'))
  })
})

describe('listRepoFiles() remembers the tracked listing while the git index is unchanged', () => {
  test('git add and git rm rewrite the index: the next listing has the change', () => {
    const root = tempRepo({ 'a.txt': 'a\n' }, { git: true })
    const settle = () => utimesSync(join(root, '.git', 'index'), anHourAgo(), anHourAgo())
    settle()
    expect(listRepoFiles(root)).toEqual(['a.txt'])
    writeFileSync(join(root, 'b.txt'), 'b\n')
    expect(listRepoFiles(root)).toEqual(['a.txt']) // untracked: not in the index
    execFileSync('git', ['add', 'b.txt'], { cwd: root })
    expect(listRepoFiles(root)).toEqual(['a.txt', 'b.txt'])
    settle()
    expect(listRepoFiles(root)).toEqual(['a.txt', 'b.txt'])
    execFileSync('git', ['rm', '-q', '--cached', 'a.txt'], { cwd: root })
    settle()
    expect(listRepoFiles(root)).toEqual(['b.txt'])
  })
})
