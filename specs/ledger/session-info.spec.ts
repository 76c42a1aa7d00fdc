import { execFileSync } from 'node:child_process'
import { chmodSync, lutimesSync, mkdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { treeView } from '../../src/domain/gates/tree-view.ts'
import { maskSecret } from '../../src/foundation/redact/mask-secret.ts'
import { envSnapshot, gitInfo, gitInfoAsync, gitInfoFromFiles, sessionStartRow } from '../../src/ledger/session-info.ts'
import { gitIn } from '../support/git-in.ts'
import { tempDir } from '../support/temp-dir.ts'

const dir = tempDir('session-info-')

/** A fresh repository in `dir` with one commit; `detached` checks the commit out by sha. */
function repo(name: string, options: { detached?: boolean; dirty?: boolean } = {}): { path: string; sha: string } {
  const path = join(dir, name)
  const git = gitIn(path)
  execFileSync('git', ['init', '-q', '-b', 'main', path])
  writeFileSync(join(path, 'a.txt'), 'one\n')
  git('add', 'a.txt')
  git('commit', '-q', '-m', 'first')
  const sha = git('rev-parse', 'HEAD')
  if (options.detached) git('checkout', '-q', sha)
  if (options.dirty) writeFileSync(join(path, 'a.txt'), 'two\n')
  return { path, sha }
}

describe('envSnapshot()', () => {
  test('keeps only allow-listed names, masks secret-named values among them', () => {
    const env = {
      CI: 'true',
      HOME: '/root',
      PATH: '/usr/bin',
      CODEX_LEDGER: '.codex/x.db',
      CODEX_API_TOKEN: 'swordfish-swordfish',
      VITEST_POOL: 'forks',
      VITEST_WORKER_ID: '3',
      GITHUB_TOKEN: 'ghp_notallowlisted',
      TZ: undefined,
    }
    expect(envSnapshot(env)).toEqual({
      CI: 'true',
      CODEX_LEDGER: '.codex/x.db',
      CODEX_API_TOKEN: maskSecret('swordfish-swordfish'),
      VITEST_POOL: 'forks',
    })
  })
})

describe('gitInfo() and gitInfoAsync()', () => {
  test('on a branch, clean: sha, branch, tree, not dirty', async () => {
    const { path, sha } = repo('clean')
    const info = gitInfo(path)
    expect(info).toEqual({ sha, branch: 'main', dirty: false, tree: expect.stringMatching(/^[0-9a-f]{40}$/) })
    expect(info.tree).not.toBe(sha)
    expect(await gitInfoAsync(path)).toEqual(info)
  })

  test('detached and with a changed tracked file: no branch, dirty', async () => {
    const { path, sha } = repo('detached', { detached: true, dirty: true })
    const info = gitInfo(path)
    expect(info).toMatchObject({ sha, branch: null, dirty: true })
    expect(await gitInfoAsync(path)).toEqual(info)
  })

  test('outside any checkout: all null', async () => {
    const outside = join(dir, 'no-git')
    execFileSync('mkdir', ['-p', outside])
    // GIT_CEILING_DIRECTORIES is not needed: the temp folder has no repository above it.
    const none = { sha: null, branch: null, dirty: null, tree: null }
    expect(gitInfo(outside)).toEqual(none)
    expect(await gitInfoAsync(outside)).toEqual(none)
  })
})

describe('gitInfoFromFiles()', () => {
  const env = { ...process.env, GIT_DIR: undefined, GIT_WORK_TREE: undefined, GIT_INDEX_FILE: undefined }
  const past = new Date(Date.now() - 60_000)

  /** A repository whose files (and a link) were written a minute ago (not racy), committed on main. */
  function settled(name: string): { path: string; git: (...args: string[]) => string } {
    const path = join(dir, name)
    mkdirSync(join(path, 'src'), { recursive: true })
    execFileSync('git', ['init', '-q', '-b', 'main', path])
    const git = gitIn(path)
    for (const [file, text] of [
      ['a.txt', 'one\n'],
      ['src/b.ts', 'export {}\n'],
      ['run.sh', '#!/bin/sh\n'],
    ] as const) {
      writeFileSync(join(path, file), text)
      utimesSync(join(path, file), past, past)
    }
    chmodSync(join(path, 'run.sh'), 0o755)
    symlinkSync('a.txt', join(path, 'link'))
    lutimesSync(join(path, 'link'), past, past)
    git('add', '-A')
    git('commit', '-q', '-m', 'first')
    return { path, git }
  }

  /** What the files say (undefined: only git can tell), next to what git's processes say. */
  async function both(path: string) {
    const files = gitInfoFromFiles(path, treeView(path, 'tracked').unchangedSince, env)
    return { files, git: await gitInfoAsync(path) }
  }

  test('a clean tree is told from the files, as git tells it; a staged change never reads as clean', async () => {
    const { path, git } = settled('files-clean')
    const clean = await both(path)
    expect(clean.git.dirty).toBe(false)
    expect(clean.files).toEqual(clean.git)
    writeFileSync(join(path, 'a.txt'), 'two\n')
    git('add', 'a.txt')
    const staged = await both(path)
    expect(staged.git.dirty).toBe(true)
    // `git add` drops the cache-tree's root (left to git); a root other than HEAD's tree is dirty.
    if (staged.files !== undefined) expect(staged.files).toEqual(staged.git)
    git('commit', '-q', '-m', 'second')
    utimesSync(join(path, 'a.txt'), past, past)
    git('update-index', '--refresh')
    const committed = await both(path)
    expect(committed.files).toEqual(committed.git)
    expect(committed.files?.sha).toBe(git('rev-parse', 'HEAD'))
    git('read-tree', 'HEAD~1') // an index of another tree, its cache-tree whole: dirty, from the files
    const other = await both(path)
    expect(other.git.dirty).toBe(true)
    expect(other.files).toEqual(other.git)
  })

  test('untracked files leave the tree clean, as for git status --untracked-files=no', async () => {
    const { path } = settled('files-untracked')
    writeFileSync(join(path, 'new.txt'), 'new\n')
    const r = await both(path)
    expect(r.git.dirty).toBe(false)
    expect(r.files).toEqual(r.git)
  })

  test('detached HEAD: no branch, told from the files', async () => {
    const { path, git } = settled('files-detached')
    git('checkout', '-q', git('rev-parse', 'HEAD'))
    const r = await both(path)
    expect(r.git.branch).toBeNull()
    expect(r.files).toEqual(r.git)
  })

  // Each edit below is one git status reports (or might); the files never call it clean.
  test.each([
    ['an edited file', (p: string) => writeFileSync(join(p, 'a.txt'), 'two\n')],
    ['an edit of the same size', (p: string) => writeFileSync(join(p, 'a.txt'), 'owt\n')],
    ['a deleted file', (p: string) => rmSync(join(p, 'src/b.ts'))],
    ['a lost executable bit', (p: string) => chmodSync(join(p, 'run.sh'), 0o644)],
    ['a gained executable bit', (p: string) => chmodSync(join(p, 'a.txt'), 0o755)],
    ['a file touched, content unchanged', (p: string) => utimesSync(join(p, 'a.txt'), new Date(), new Date())],
    ['an intent-to-add', (p: string) => writeFileSync(join(p, 'n.txt'), 'n\n'), ['add', '-N', 'n.txt']],
    ['a skip-worktree entry', () => {}, ['update-index', '--skip-worktree', 'a.txt']],
    ['an assume-unchanged entry', () => {}, ['update-index', '--assume-unchanged', 'a.txt']],
    ['a packed HEAD commit', () => {}, ['gc', '-q']],
    ['an executable bit committed from the index only', () => {}, ['update-index', '--chmod=+x', 'a.txt'], true],
    [
      'a file replaced by a link',
      (p: string) => {
        rmSync(join(p, 'a.txt'))
        execFileSync('ln', ['-s', 'src/b.ts', join(p, 'a.txt')])
      },
    ],
  ] as const)('%s: the same answer as git, or none', async (_, edit, gitArgs?: readonly string[], commit?: boolean) => {
    const { path, git } = settled(`files-${_.replace(/\W+/g, '-')}`)
    edit(path)
    if (gitArgs) git(...gitArgs)
    if (commit) git('commit', '-q', '-m', 'index only') // the file keeps its stat data, its mode now differs
    const r = await both(path)
    if (r.files !== undefined) expect(r.files).toEqual(r.git)
    if (r.git.dirty) expect(r.files?.dirty).not.toBe(false)
  })

  test('a linked worktree and GIT_INDEX_FILE are left to git', async () => {
    const { path, git } = settled('files-linked')
    const linked = join(dir, 'files-linked-wt')
    git('worktree', 'add', '-q', linked)
    expect(gitInfoFromFiles(linked, treeView(linked, 'tracked').unchangedSince, env)).toBeUndefined()
    const withIndex = { ...env, GIT_INDEX_FILE: join(path, '.git', 'index') }
    expect(gitInfoFromFiles(path, treeView(path, 'tracked').unchangedSince, withIndex)).toBeUndefined()
  })
})

describe('sessionStartRow()', () => {
  test('a running session row with git, host and the allow-listed env', () => {
    const git = { sha: 'abc', branch: 'main', dirty: true, tree: 'def' }
    const row = sessionStartRow(
      {
        id: 's1',
        kind: 'vitest',
        command: 'vitest run',
        argv: ['run', '--coverage'],
        projects: ['unit'],
        parentId: 'p0',
      },
      git,
    )
    expect(row).toMatchObject({
      id: 's1',
      kind: 'vitest',
      command: 'vitest run',
      argv: '["run","--coverage"]',
      status: 'running',
      git_sha: 'abc',
      git_branch: 'main',
      git_dirty: 1,
      git_tree: 'def',
      host: hostname(),
      pid: process.pid,
      node_version: process.version,
      projects_json: '["unit"]',
      parent_id: 'p0',
    })
    expect(JSON.parse(row.env_json as string)).toEqual(envSnapshot())
  })

  test('a clean tree is 0, an unknown one null; no projects or parent are null', () => {
    const base = { id: 's', kind: 'hook', command: 'pre-commit', argv: [] }
    expect(sessionStartRow(base, { sha: 'a', branch: null, dirty: false, tree: null })).toMatchObject({
      git_dirty: 0,
      projects_json: null,
      parent_id: null,
    })
    expect(sessionStartRow(base, { sha: null, branch: null, dirty: null, tree: null }).git_dirty).toBeNull()
  })

  test('without git info given: reads it from the cwd given', () => {
    const { path, sha } = repo('from-cwd')
    expect(sessionStartRow({ id: 's', kind: 'k', command: 'c', argv: [], cwd: path })).toMatchObject({
      git_sha: sha,
      git_branch: 'main',
      git_dirty: 0,
    })
  })
})
