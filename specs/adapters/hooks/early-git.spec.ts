import type { ChildProcess } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { type EarlyGit, startEarlyGit, takeEarlyGit } from '../../../src/adapters/hooks/early-git.cjs'
import { ObjectReader } from '../../../src/adapters/hooks/object-reader.ts'
import { indexSnapshot } from '../../../src/adapters/hooks/snapshot.ts'
import { tempDir } from '../../support/temp-dir.ts'
import { hookRepo } from './hook-repo.ts'

const KEY = Symbol.for('codex-gates.hook.early-git')

function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((r) => child.once('close', r))
}

describe('takeEarlyGit()', () => {
  test("the launcher's processes give the snapshot and the blobs the runner's own would give, once", async () => {
    const repo = hookRepo('early-git-')
    repo.write('a.txt', 'one\n')
    repo.git(['add', 'a.txt'])
    repo.git(['commit', '-q', '--no-verify', '-m', 'base'])
    repo.write('a.txt', 'two\n')
    repo.write('b.txt', 'three\n')
    repo.git(['add', 'a.txt', 'b.txt'])
    const options = { cwd: repo.dir, env: repo.env }
    const own = await indexSnapshot(options)
    startEarlyGit(repo.dir)
    const early = takeEarlyGit(repo.dir) as EarlyGit
    expect(early).toBeDefined()
    expect(takeEarlyGit(repo.dir)).toBeUndefined() // taken once
    const taken = await indexSnapshot(options, early)
    expect(taken).toEqual(own)
    expect(own.changed).toEqual(['a.txt', 'b.txt'])
    const reader = new ObjectReader(options).open(early.objects)
    const blobs: string[] = []
    await reader.contents([own.entries.get('b.txt')?.sha as string], (_, bytes) => blobs.push(bytes.toString('utf8')))
    expect(blobs).toEqual(['three\n'])
    reader.close()
    expect(await exited(early.objects)).toBe(0)
  })

  test("a git that fails (write-tree on a conflicted index) fails the snapshot with git's own message, as the runner's own does", async () => {
    const repo = hookRepo('early-git-conflict-')
    repo.write('a.txt', 'one\n')
    repo.git(['add', 'a.txt'])
    repo.git(['commit', '-q', '--no-verify', '-m', 'base'])
    repo.git(['checkout', '-q', '-b', 'side'])
    repo.write('a.txt', 'two\n')
    repo.git(['commit', '-q', '--no-verify', '-am', 'side'])
    repo.git(['checkout', '-q', 'main'])
    repo.write('a.txt', 'three\n')
    repo.git(['commit', '-q', '--no-verify', '-am', 'main'])
    expect(repo.git(['merge', '-q', 'side']).code).not.toBe(0) // a conflict: unmerged entries
    const options = { cwd: repo.dir, env: repo.env }
    const own = await indexSnapshot(options).then(
      () => '',
      (e: Error) => e.message,
    )
    expect(own).toMatch(/^git write-tree failed \(exit \d+\): .+/)
    startEarlyGit(repo.dir)
    const early = takeEarlyGit(repo.dir) as EarlyGit
    const taken = await indexSnapshot(options, early).then(
      () => '',
      (e: Error) => e.message,
    )
    expect(taken).toBe(own)
    early.objects.stdin.end()
  })

  test('started for another folder than the hook runs in: not taken, and cat-file let go', async () => {
    const repo = hookRepo('early-git-elsewhere-')
    startEarlyGit(repo.dir)
    const started = (globalThis as Record<symbol, EarlyGit | undefined>)[KEY] as EarlyGit
    expect(takeEarlyGit(join(repo.dir, 'sub'))).toBeUndefined()
    expect(await exited(started.objects)).toBe(0) // its stdin closed: it ends by itself
    await Promise.all([started.tree, started.changed])
  })
})

/**
 * The commit hook as git runs it (husky's wrapper, .husky/pre-commit, .husky/launch.cjs): every git
 * process the pre-commit node starts is logged with the file that called spawn, by a preload that
 * wraps child_process.spawn.
 */
describe('.husky/launch.cjs pre-commit', () => {
  test("starts the snapshot's three git processes itself, with one process start, and the runner starts none of them again", () => {
    const repo = hookRepo('early-git-launch-')
    const log = join(tempDir('early-git-log-'), 'spawns.ndjson')
    const preload = join(tempDir('early-git-preload-'), 'log-spawns.cjs')
    writeFileSync(
      preload,
      [
        "const cp = require('node:child_process')",
        "const { appendFileSync } = require('node:fs')",
        'const spawn = cp.spawn',
        'cp.spawn = function (command, args, ...rest) {',
        "  if (process.argv[2] === 'pre-commit') {",
        "    const caller = (new Error().stack ?? '').split('\\n')[2] ?? ''",
        `    appendFileSync(${JSON.stringify(log)}, JSON.stringify({ command, args, caller }) + '\\n')`,
        '  }',
        '  return spawn.call(this, command, args, ...rest)',
        '}',
      ].join('\n'),
    )
    const env = { NODE_OPTIONS: `--require ${preload}` }
    repo.write('a.ts', 'export const a = 1\n')
    repo.git(['add', 'a.ts'])
    // The first commit builds the runner's bundle if a source changed since it was built.
    expect(repo.git(['commit', '-q', '-m', 'first'], env).code).toBe(0)
    writeFileSync(log, '')
    repo.write('a.ts', 'export const a = 2\n')
    repo.git(['add', 'a.ts'])
    const commit = repo.git(['commit', '-q', '-m', 'second'], env)
    expect(commit.code, commit.output).toBe(0)
    const spawns = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { command: string; args: string[]; caller: string })
    // One process start from the launcher (a shell that becomes cat-file and runs the other two)...
    const byLauncher = spawns.filter((s) => s.caller.includes('src/adapters/hooks/early-git.cjs'))
    expect(byLauncher.map((s) => s.command)).toEqual(['/bin/sh'])
    const script = byLauncher[0]?.args.join(' ') ?? ''
    for (const part of ['git write-tree', 'git diff --cached', 'exec git cat-file --batch-command'])
      expect(script).toContain(part)
    // ...and none of the three again from the runner.
    const again = spawns.filter(
      (s) => s.command === 'git' && ['write-tree', 'diff', 'cat-file'].includes(s.args[0] as string),
    )
    expect(again).toEqual([])
  })
})
