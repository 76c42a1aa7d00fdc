// The staged paths a hook standby reads from the index and HEAD's tree (staged-changes.ts) are the
// ones `git diff --cached` lists, in its order, for any mix of added, modified, deleted, chmod-ed
// and symlinked files; where only git can answer (HEAD moved, a conflict, intent-to-add) it says
// nothing rather than guess.
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { DIFF_CACHED } from '../../../src/adapters/hooks/early-git.cjs'
import { readHeadTree, stagedChanges } from '../../../src/adapters/hooks/staged-changes.ts'
import { gitIn } from '../../support/git-in.ts'
import { tempDir } from '../../support/temp-dir.ts'

const ENV = process.env

function git(dir: string, args: string[]): string {
  return gitIn(dir)(...args)
}

function repo(): string {
  const dir = tempDir('staged-changes-')
  git(dir, ['init', '-q', '-b', 'main'])
  return dir
}

const PATHS = ['a.txt', 'b.txt', 'src/c.ts', 'src/d.ts', 'src/deep/e.py', 'f.sh', 'g-h.txt', 'g/h.txt']

type Change = { path: string; kind: 'write' | 'delete' | 'chmod' | 'link'; text: string }
const change = fc.record({
  path: fc.constantFrom(...PATHS),
  kind: fc.constantFrom('write', 'write', 'delete', 'chmod', 'link'),
  text: fc.constantFrom('', 'x', 'y\n'), // few contents: the same bytes under another mode or kind come up often
}) as fc.Arbitrary<Change>

function apply(dir: string, c: Change): void {
  const file = join(dir, c.path)
  rmSync(file, { force: true })
  if (c.kind === 'delete') return
  mkdirSync(dirname(file), { recursive: true })
  if (c.kind === 'link') symlinkSync(`target-${c.text}`, file)
  else {
    writeFileSync(file, c.text)
    if (c.kind === 'chmod') chmodSync(file, 0o755)
  }
}

describe('staged changes without git diff', () => {
  test('are exactly git diff --cached, for any commit and any staged changes after it', () => {
    fc.assert(
      fc.property(
        fc.array(change, { minLength: 1, maxLength: 8 }),
        fc.array(change, { maxLength: 8 }),
        (base, next) => {
          const dir = repo()
          for (const c of base) apply(dir, c)
          git(dir, ['add', '-A'])
          git(dir, ['commit', '-q', '--allow-empty', '-m', 'base'])
          const head = readHeadTree(dir, ENV)
          expect(head).toBeDefined()
          for (const c of next) apply(dir, c)
          git(dir, ['add', '-A'])
          const expected = git(dir, [...DIFF_CACHED])
            .split('\0')
            .filter(Boolean)
          const index = join(dir, '.git', 'index')
          expect(stagedChanges(index, head as NonNullable<typeof head>, dir, ENV)).toEqual(expected)
        },
      ),
      { numRuns: 40 },
    )
  }, 120_000)

  test('says nothing once HEAD has moved, for an intent-to-add entry, or before the first commit', () => {
    const dir = repo()
    expect(readHeadTree(dir, ENV)).toBeUndefined()
    writeFileSync(join(dir, 'a.txt'), 'a')
    git(dir, ['add', 'a.txt'])
    git(dir, ['commit', '-q', '-m', 'one'])
    const head = readHeadTree(dir, ENV) as NonNullable<ReturnType<typeof readHeadTree>>
    const index = join(dir, '.git', 'index')
    writeFileSync(join(dir, 'b.txt'), 'b')
    git(dir, ['add', '-N', 'b.txt'])
    expect(stagedChanges(index, head, dir, ENV)).toBeUndefined()
    git(dir, ['add', 'b.txt'])
    expect(stagedChanges(index, head, dir, ENV)).toEqual(['b.txt'])
    git(dir, ['commit', '-q', '-m', 'two'])
    expect(stagedChanges(index, head, dir, ENV)).toBeUndefined()
  })
})
