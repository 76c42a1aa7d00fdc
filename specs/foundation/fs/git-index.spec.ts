import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { blobDigest } from '../../../src/foundation/fs/blob-digest.ts'
import { parseIndex, readGitIndex } from '../../../src/foundation/fs/git-index.ts'
import { tempDir, tempRepo } from '../../domain/gates/_temp-repo.ts'

const git = (root: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=spec@example.org', '-c', 'user.name=spec', ...args], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })

/** `git ls-files -s`: path → blob id, as git itself reads the index. */
function staged(root: string): Map<string, string> {
  const out = git(root, 'ls-files', '-s', '-z')
  return new Map(
    out
      .split('\0')
      .filter(Boolean)
      .map((line) => {
        const [meta, path] = line.split('\t') as [string, string]
        return [path, meta.split(' ')[1] as string]
      }),
  )
}

const entriesOf = (root: string) =>
  new Map([...(readGitIndex(root)?.entries ?? new Map()).entries()].map(([p, e]) => [p, e.oid]))

/** Path segments git and every file system take: no NUL, no slash, not `.`/`..`/`.git`. */
const segment = fc
  .string({ unit: fc.constantFrom('a', 'b', 'z', '0', '-', '_', ' ', 'é', '日', '.'), minLength: 1, maxLength: 12 })
  .filter((s) => s !== '.' && s !== '..' && s.toLowerCase() !== '.git')

describe('readGitIndex()', () => {
  test('lists what `git ls-files -s` lists, with the same blob ids, in index versions 2, 3 and 4', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.array(segment, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/')),
          {
            minLength: 1,
            maxLength: 12,
            selector: (p) => p.split('/')[0],
          },
        ),
        fc.string({ maxLength: 40 }),
        fc.constantFrom(2, 3, 4),
        (paths, text, version) => {
          const root = tempDir('index-')
          git(root, 'init', '-q')
          for (const [i, path] of paths.entries()) {
            mkdirSync(dirname(join(root, path)), { recursive: true })
            writeFileSync(join(root, path), `${text}${i}`)
          }
          git(root, 'add', '-A')
          git(root, 'update-index', '--index-version', String(version))
          expect(entriesOf(root)).toEqual(staged(root))
        },
      ),
      { numRuns: 25 },
    )
  })

  test('reads the index of a linked worktree through its `.git` file', () => {
    const main = tempRepo({ 'a.txt': 'alpha\n', 'dir/b.txt': 'bravo\n' }, { git: true })
    const linked = join(tempDir('linked-'), 'wt')
    git(main, 'worktree', 'add', '-q', linked)
    expect(readFileSync(join(linked, '.git'), 'utf8')).toMatch(/^gitdir: /)
    expect(entriesOf(linked)).toEqual(staged(linked))
  })

  test('leaves to git what it does not read: no index, no repository, a torn file, a split index', () => {
    expect(readGitIndex(tempDir('plain-'))).toBeUndefined()
    const root = tempRepo({ 'a.txt': 'alpha\n' }, { git: true })
    const bytes = readFileSync(join(root, '.git', 'index'))
    expect(parseIndex(bytes, 0)).toBeDefined()
    expect(parseIndex(bytes.subarray(0, bytes.length - 3), 0)).toBeUndefined()
    git(root, 'update-index', '--split-index')
    expect(readGitIndex(root)).toBeUndefined()
  })

  test("takes the trailer on trust as git does (2.13+), and tells a SHA-256 repository's index by its shape", () => {
    const root = tempRepo({ 'a.txt': 'alpha\n', 'dir/b.txt': 'beta\n' }, { git: true })
    const bytes = readFileSync(join(root, '.git', 'index'))
    const trailer = Buffer.from(bytes)
    trailer[trailer.length - 1] = (trailer.at(-1) ?? 0) ^ 0xff
    writeFileSync(join(root, '.git', 'index'), trailer)
    expect(git(root, 'ls-files').split('\n').filter(Boolean)).toEqual(['a.txt', 'dir/b.txt']) // git reads it too
    expect([...(readGitIndex(root)?.entries.keys() ?? [])]).toEqual(['a.txt', 'dir/b.txt'])
    // A name's padding byte that is not NUL, a name length that is not the name's: not an index.
    const padding = Buffer.from(bytes)
    padding[12 + 62 + 'a.txt'.length + 1] = 0x41
    expect(parseIndex(padding, 0)).toBeUndefined()
    const length = Buffer.from(bytes)
    length.writeUInt16BE(0x0004, 12 + 60)
    expect(parseIndex(length, 0)).toBeUndefined()
    // 32-byte object ids (git init --object-format=sha256): one file, then many.
    for (const files of [
      { 'a.txt': 'alpha\n' },
      Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`f${i}.txt`, `${i}\n`])),
    ]) {
      const sha256 = tempDir('sha256-')
      git(sha256, 'init', '-q', '--object-format=sha256')
      for (const [path, text] of Object.entries(files)) writeFileSync(join(sha256, path), text)
      git(sha256, 'add', '-A')
      expect(readGitIndex(sha256)).toBeUndefined()
    }
  })
})

describe('readGitIndex().validTrees', () => {
  test("names the folders git's cache-tree still holds: `git add` invalidates the folders on the path", () => {
    const root = tempDir()
    git(root, 'init', '-q')
    for (const path of ['a/one.txt', 'a/deep/two.txt', 'b/three.txt', 'top.txt']) {
      mkdirSync(dirname(join(root, path)), { recursive: true })
      writeFileSync(join(root, path), `${path}\n`)
    }
    git(root, 'add', '.')
    git(root, 'commit', '-q', '-m', 'one')
    expect([...(readGitIndex(root)?.validTrees ?? [])].sort()).toEqual(['', 'a', 'a/deep', 'b'])
    writeFileSync(join(root, 'a/deep/two.txt'), 'changed\n')
    git(root, 'add', 'a/deep/two.txt')
    expect([...(readGitIndex(root)?.validTrees ?? [])].sort()).toEqual(['b'])
    git(root, 'write-tree') // git records the trees again
    expect([...(readGitIndex(root)?.validTrees ?? [])].sort()).toEqual(['', 'a', 'a/deep', 'b'])
  })
})

describe('blobDigest()', () => {
  const anHourAgo = () => new Date(Date.now() - 3_600_000)

  test("is git's blob id whether it comes from the index or from the bytes", () => {
    const root = tempRepo(
      { 'a.txt': 'alpha\n', 'b.bin': Buffer.from([0, 1, 2, 255]).toString('latin1') },
      { git: true },
    )
    writeFileSync(join(root, 'new.txt'), 'untracked\n')
    const index = readGitIndex(root)
    for (const f of ['a.txt', 'b.bin', 'new.txt'])
      expect(blobDigest(root, f, index)).toBe(git(root, 'hash-object', f).trim())
    expect(blobDigest(root, 'missing.txt', index)).toBeNull()
  })

  test('an edit the index has not seen is hashed, even with size and mtime kept (racy or not)', () => {
    const root = tempRepo({ 'a.txt': 'alpha\n' }, { git: true })
    const old = anHourAgo()
    utimesSync(join(root, 'a.txt'), old, old)
    git(root, 'add', 'a.txt') // the index records the old mtime, and is written after it
    const before = git(root, 'hash-object', 'a.txt').trim()
    expect(blobDigest(root, 'a.txt', readGitIndex(root))).toBe(before)
    writeFileSync(join(root, 'a.txt'), 'bravo\n') // same size, new mtime
    expect(blobDigest(root, 'a.txt', readGitIndex(root))).toBe(git(root, 'hash-object', 'a.txt').trim())
  })

  test('a file is taken from the index only while its stat data matches and it is older than the index', () => {
    const root = tempRepo({ 'a.txt': 'alpha\n' }, { git: true })
    const entry = readGitIndex(root)?.entries.get('a.txt')
    if (!entry) throw new Error('a.txt is not in the index')
    const planted = { ...entry, oid: 'f'.repeat(40) } // what only the index could answer
    const real = git(root, 'hash-object', 'a.txt').trim()
    const after = { entries: new Map([['a.txt', planted]]), mtimeMs: Date.now() + 60_000, plain: true }
    expect(blobDigest(root, 'a.txt', after)).toBe('f'.repeat(40))
    const racy = { entries: new Map([['a.txt', planted]]), mtimeMs: 0, plain: true }
    expect(blobDigest(root, 'a.txt', racy)).toBe(real)
    const otherSize = {
      entries: new Map([['a.txt', { ...planted, size: planted.size + 1 }]]),
      mtimeMs: Date.now() + 60_000,
      plain: true,
    }
    expect(blobDigest(root, 'a.txt', otherSize)).toBe(real)
    const otherTick = {
      entries: new Map([['a.txt', { ...planted, mtimeNs: (planted.mtimeNs + 1) % 1e9 }]]),
      mtimeMs: Date.now() + 60_000,
      plain: true,
    }
    expect(blobDigest(root, 'a.txt', otherTick)).toBe(real)
    const otherCtime = {
      entries: new Map([['a.txt', { ...planted, ctimeNs: (planted.ctimeNs + 1) % 1e9 }]]),
      mtimeMs: Date.now() + 60_000,
      plain: true,
    }
    expect(blobDigest(root, 'a.txt', otherCtime)).toBe(real)
  })

  test('an edit whose size and mtime were put back (touch -r) is hashed: its ctime moved', async () => {
    const root = tempRepo({ 'a.txt': 'alpha\n', 'ref.txt': 'r\n' }, { git: true })
    const old = anHourAgo()
    for (const f of ['a.txt', 'ref.txt']) utimesSync(join(root, f), old, old)
    git(root, 'add', 'a.txt', 'ref.txt')
    await new Promise((done) => setTimeout(done, 20)) // the edit's ctime lands on a later tick
    writeFileSync(join(root, 'a.txt'), 'bravo\n') // same size
    utimesSync(join(root, 'a.txt'), old, old) // mtime to the nanosecond as the index has it
    expect(blobDigest(root, 'a.txt', readGitIndex(root), { remember: false })).toBe(
      git(root, 'hash-object', 'a.txt').trim(),
    )
  })
})

describe('readGitIndex() stat data', () => {
  test('ctime, mtime, inode and size are what `git ls-files --debug` prints', () => {
    const root = tempDir('index-stat-')
    git(root, 'init', '-q')
    for (const name of ['a.txt', 'b/c.txt', 'd.bin']) {
      mkdirSync(dirname(join(root, name)), { recursive: true })
      writeFileSync(join(root, name), `${name}\n`.repeat(name.length))
    }
    git(root, 'add', '-A')
    const debug = git(root, 'ls-files', '--debug')
    const fromGit = new Map<string, string>()
    for (const block of debug.split(/\n(?=\S)/)) {
      const [path, ...lines] = block.trim().split('\n')
      const field = (name: string) => lines.join(' ').match(new RegExp(`\\b${name}: (\\S+)`))?.[1]
      fromGit.set(path as string, [field('ctime'), field('mtime'), field('ino'), field('size')].join(' '))
    }
    const parsed = readGitIndex(root)
    expect(parsed?.entries.size).toBe(3)
    for (const [path, e] of parsed?.entries ?? []) {
      expect(`${e.ctimeS}:${e.ctimeNs} ${e.mtimeS}:${e.mtimeNs} ${e.ino} ${e.size}`).toBe(fromGit.get(path))
    }
  })
})
