import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { maskSecret } from '../../src/foundation/redact/mask-secret.ts'
import { envSnapshot, gitInfo, gitInfoAsync, sessionStartRow } from '../../src/ledger/session-info.ts'
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
