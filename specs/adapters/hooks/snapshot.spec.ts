import { execFileSync } from 'node:child_process'
import { existsSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { materialize, parseBatchCheck } from '../../../src/adapters/hooks/materialize.ts'
import { ObjectReader } from '../../../src/adapters/hooks/object-reader.ts'
import {
  commitSnapshot,
  indexSnapshot,
  parseStageListing,
  parseTreeListing,
} from '../../../src/adapters/hooks/snapshot.ts'
import { tempDir } from '../../support/temp-dir.ts'

function repo() {
  const dir = join(tempDir('snapshot-'), 'repo')
  mkdirSync(dir)
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'A',
    GIT_AUTHOR_EMAIL: 'a@example.test',
    GIT_COMMITTER_NAME: 'A',
    GIT_COMMITTER_EMAIL: 'a@example.test',
  }
  for (const name of Object.keys(env)) if (name === 'GIT_DIR' || name === 'GIT_INDEX_FILE') delete env[name]
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env, encoding: 'utf8' })
  git('init', '-q', '-b', 'main')
  git('config', 'core.autocrlf', 'true') // the export must not apply it: bytes as committed
  return { dir, git, options: { cwd: dir, env } }
}

describe('indexSnapshot() and materialize()', () => {
  test('export the staged bytes, not the work tree, and only the changed paths', async () => {
    const { dir, git, options } = repo()
    writeFileSync(join(dir, 'keep.txt'), 'unchanged\n')
    writeFileSync(join(dir, 'edit.txt'), 'v1\n')
    writeFileSync(join(dir, 'gone.txt'), 'to delete\n')
    git('add', '.')
    git('commit', '-q', '-m', 'one')
    writeFileSync(join(dir, 'edit.txt'), 'v2 staged\r\n')
    git('add', 'edit.txt')
    writeFileSync(join(dir, 'edit.txt'), 'v3 in the work tree only\n')
    mkdirSync(join(dir, 'sub'))
    writeFileSync(join(dir, 'sub', 'new.txt'), 'new\n')
    symlinkSync('keep.txt', join(dir, 'link'))
    git('add', 'sub/new.txt', 'link')
    git('rm', '-q', 'gone.txt')

    const snapshot = await indexSnapshot(options)
    expect(snapshot.source).toBe('index')
    expect(snapshot.tree).toBe(git('write-tree').trim())
    expect(snapshot.changed.sort()).toEqual(['edit.txt', 'link', 'sub/new.txt'])
    expect(snapshot.entries.get('link')?.mode).toBe('120000')

    const out = join(tempDir('export-'), 'x')
    const done = await materialize(snapshot, snapshot.changed, out, options)
    expect(done.written.sort()).toEqual(['edit.txt', 'sub/new.txt'])
    expect(readFileSync(join(out, 'edit.txt'), 'utf8')).toBe('v2 staged\n') // git add stored it with LF
    expect(readFileSync(join(out, 'sub', 'new.txt'), 'utf8')).toBe('new\n')
    expect(existsSync(join(out, 'link'))).toBe(false) // symlinks are not followed or exported
    expect(existsSync(join(out, 'keep.txt'))).toBe(false)
  })

  test('the entries read from the index file are what `git ls-files --stage` lists: modes, conflicts, GIT_INDEX_FILE, index v4', async () => {
    const { dir, git, options } = repo()
    const listed = (env: NodeJS.ProcessEnv = options.env) =>
      parseStageListing(execFileSync('git', ['ls-files', '--stage', '-z'], { cwd: dir, env, encoding: 'utf8' }))
    writeFileSync(join(dir, 'a.txt'), 'base\n')
    writeFileSync(join(dir, 'run.sh'), '#!/bin/sh\n')
    execFileSync('chmod', ['+x', join(dir, 'run.sh')])
    symlinkSync('a.txt', join(dir, 'link'))
    git('add', '.')
    git('commit', '-q', '-m', 'base')
    git('checkout', '-q', '-b', 'other')
    writeFileSync(join(dir, 'a.txt'), 'other\n')
    git('commit', '-q', '-am', 'other')
    git('checkout', '-q', 'main')
    writeFileSync(join(dir, 'a.txt'), 'main\n')
    writeFileSync(join(dir, 'new file.txt'), 'new\n')
    git('add', '.')
    git('commit', '-q', '-m', 'main')
    expect(() => git('merge', '-q', 'other')).toThrow() // a.txt conflicted: stages 1-3 only
    const { entries } = await indexSnapshot(options).catch(() => ({ entries: undefined }))
    // write-tree refuses a conflicted index, as the hook must; the listing itself still matches
    expect(entries).toBeUndefined()
    git('checkout', '-q', '--theirs', 'a.txt')
    git('add', 'a.txt')
    const snapshot = await indexSnapshot(options)
    expect(snapshot.entries).toEqual(listed())
    expect(snapshot.entries.get('run.sh')?.mode).toBe('100755')
    expect(snapshot.entries.get('link')?.mode).toBe('120000')
    git('update-index', '--index-version', '4')
    expect((await indexSnapshot(options)).entries).toEqual(listed())
    const other = join(dir, '.git', 'other-index')
    const env = { ...options.env, GIT_INDEX_FILE: other }
    execFileSync('git', ['read-tree', 'HEAD~1'], { cwd: dir, env })
    const theirs = await indexSnapshot({ ...options, env })
    expect(theirs.entries).toEqual(listed(env))
    expect(theirs.entries.has('new file.txt')).toBe(false)
  })

  test('a blob over the cap becomes a sparse file of the same size', async () => {
    const { dir, git, options } = repo()
    writeFileSync(join(dir, 'big.bin'), Buffer.alloc(300_000, 7))
    writeFileSync(join(dir, 'small.txt'), 'small\n')
    git('add', '.')
    const snapshot = await indexSnapshot(options)
    const out = join(tempDir('export-'), 'x')
    const done = await materialize(snapshot, ['big.bin', 'small.txt'], out, options, 100_000)
    expect(done).toEqual({ written: ['small.txt'], sparse: ['big.bin'] })
    expect(statSync(join(out, 'big.bin')).size).toBe(300_000)
    expect(lstatSync(join(out, 'big.bin')).isFile()).toBe(true)
  })

  test('many blobs, identical ones shared, stream through one cat-file', async () => {
    const { dir, git, options } = repo()
    const paths: string[] = []
    for (let i = 0; i < 300; i++) {
      const path = `d${i % 7}/f${i}.txt`
      mkdirSync(join(dir, `d${i % 7}`), { recursive: true })
      writeFileSync(join(dir, path), i % 3 === 0 ? 'same\n' : `file ${i}\n${'x'.repeat(i * 50)}\n`)
      paths.push(path)
    }
    git('add', '.')
    const snapshot = await indexSnapshot(options)
    const out = join(tempDir('export-'), 'x')
    const done = await materialize(snapshot, paths, out, options)
    expect(done.written).toHaveLength(300)
    const differ = paths.filter((path) => !readFileSync(join(out, path)).equals(readFileSync(join(dir, path))))
    expect(differ).toEqual([])
  })

  test('one shared cat-file --batch-command exports what separate processes export, round after round', async () => {
    const { dir, git, options } = repo()
    const paths: string[] = []
    for (let i = 0; i < 120; i++) {
      const path = `d${i % 5}/f${i}.bin`
      mkdirSync(join(dir, `d${i % 5}`), { recursive: true })
      writeFileSync(join(dir, path), i % 4 === 0 ? 'same\n' : Buffer.alloc(i * 997, i)) // binary, with newlines inside
      paths.push(path)
    }
    writeFileSync(join(dir, 'big.bin'), Buffer.alloc(300_000, 10))
    git('add', '.')
    const snapshot = await indexSnapshot(options)
    const apart = join(tempDir('export-'), 'x')
    const expected = await materialize(snapshot, [...paths, 'big.bin'], apart, options, 100_000)
    const objects = new ObjectReader(options).open()
    try {
      const shared = join(tempDir('export-'), 'x')
      const rounds = await Promise.all([
        materialize(snapshot, paths.slice(0, 60), shared, { ...options, objects }, 100_000),
        materialize(snapshot, [...paths.slice(60), 'big.bin'], shared, { ...options, objects }, 100_000),
      ])
      expect(rounds.flatMap((r) => r.written).sort()).toEqual([...expected.written].sort())
      expect(rounds.flatMap((r) => r.sparse)).toEqual(expected.sparse)
      const differ = paths.filter((path) => !readFileSync(join(shared, path)).equals(readFileSync(join(apart, path))))
      expect(differ).toEqual([])
      expect(statSync(join(shared, 'big.bin')).size).toBe(300_000)
      // An object git does not have rejects with git's answer; the process serves the next request.
      await expect(objects.contents(['0'.repeat(40)], () => {})).rejects.toThrow(/missing/)
      expect(await objects.sizes([snapshot.entries.get('d0/f0.bin')?.sha ?? ''])).toEqual(
        new Map([[snapshot.entries.get('d0/f0.bin')?.sha, 5]]),
      )
    } finally {
      objects.close()
    }
  })

  test('commitSnapshot() compares a commit with its first parent (the empty tree for a root commit)', async () => {
    const { dir, git, options } = repo()
    writeFileSync(join(dir, 'a.txt'), 'a\n')
    git('add', '.')
    git('commit', '-q', '-m', 'root')
    writeFileSync(join(dir, 'b.txt'), 'b\n')
    git('add', '.')
    git('commit', '-q', '-m', 'second')
    const root = await commitSnapshot('HEAD~1', options)
    expect(root.changed).toEqual(['a.txt'])
    const second = await commitSnapshot('HEAD', options)
    expect(second.changed).toEqual(['b.txt'])
    expect(second.tree).toBe(git('rev-parse', 'HEAD^{tree}').trim())
    expect([...second.entries.keys()].sort()).toEqual(['a.txt', 'b.txt'])
    await expect(commitSnapshot('no-such-rev', options)).rejects.toThrow(/no-such-rev/)
  })
})

describe('listing parsers', () => {
  test('parseStageListing() keeps stage 0 only; paths may hold spaces and tabs', () => {
    const sha = 'a'.repeat(40)
    const text = [
      `100644 ${sha} 0\tsp ace.txt`,
      `100644 ${sha} 1\tconflict.txt`,
      `100644 ${sha} 2\tconflict.txt`,
      `100755 ${sha} 0\tx\ty`,
      '',
    ].join('\0')
    expect([...parseStageListing(text).values()]).toEqual([
      { mode: '100644', sha, path: 'sp ace.txt' },
      { mode: '100755', sha, path: 'x\ty' },
    ])
  })

  test('parseTreeListing() keeps blobs, not submodules', () => {
    const sha = 'b'.repeat(40)
    const text = [`100644 blob ${sha}\ta.txt`, `160000 commit ${sha}\tvendor/lib`, ''].join('\0')
    expect([...parseTreeListing(text).keys()]).toEqual(['a.txt'])
  })

  test('parseBatchCheck() reads blob sizes', () => {
    expect(parseBatchCheck(`${'c'.repeat(40)} blob 12\n${'d'.repeat(40)} missing\n`)).toEqual(
      new Map([['c'.repeat(40), 12]]),
    )
  })
})
