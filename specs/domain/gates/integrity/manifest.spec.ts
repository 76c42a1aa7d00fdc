import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  buildManifest,
  compareManifests,
  readManifest,
  writeManifest,
} from '../../../../src/domain/gates/integrity/manifest.ts'
import { UserError } from '../../../../src/foundation/errors/user-error.ts'
import { tempDir } from '../_temp-repo.ts'

type Op =
  | { op: 'add'; path: string }
  | { op: 'remove'; index: number }
  | { op: 'rename'; index: number; to: string }
  | { op: 'edit'; index: number }

/** A tree of path → content identity; every add/edit makes a fresh identity, renames keep it. */
function applyOps(initial: string[], ops: Op[]) {
  const before = new Map(initial.map((p, i) => [p, `c${i}`]))
  const after = new Map(before)
  let fresh = 0
  for (const o of ops) {
    const paths = [...after.keys()].sort()
    if (o.op === 'add') {
      if (!after.has(o.path)) after.set(o.path, `n${fresh++}`)
    } else if (paths.length > 0) {
      const path = paths[o.index % paths.length] as string
      if (o.op === 'remove') after.delete(path)
      else if (o.op === 'edit') after.set(path, `n${fresh++}`)
      else if (!after.has(o.to)) {
        after.set(o.to, after.get(path) as string)
        after.delete(path)
      }
    }
  }
  return { before, after }
}

/** The report the ops must produce, derived from content identities (not from hashes). */
function expectedReport(before: Map<string, string>, after: Map<string, string>) {
  const originalPath = new Map([...before].map(([p, id]) => [id, p]))
  const changed = [...before.keys()].filter((p) => after.has(p) && after.get(p) !== before.get(p)).sort()
  const removedPaths = new Set([...before.keys()].filter((p) => !after.has(p)))
  const moved: { from: string; to: string }[] = []
  const added: string[] = []
  for (const [path, id] of after) {
    if (before.has(path)) continue
    const from = originalPath.get(id)
    if (from !== undefined && removedPaths.has(from)) moved.push({ from, to: path })
    else added.push(path)
  }
  const movedFrom = new Set(moved.map((m) => m.from))
  const removed = [...removedPaths].filter((p) => !movedFrom.has(p)).sort()
  return { added: added.sort(), removed, changed, moved: moved.sort((a, b) => a.from.localeCompare(b.from)) }
}

const hashed = (tree: Map<string, string>) => Object.fromEntries([...tree].map(([p, id]) => [p, { sha256: `h-${id}` }]))
const pathArb = fc.stringMatching(/^[a-d]{1,2}(\/[a-d]{1,2})?\.txt$/)

describe('compareManifests()', () => {
  test('reports a random sequence of add/remove/rename/edit exactly', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(pathArb, { maxLength: 12 }),
        fc.array(
          fc.oneof(
            fc.record({ op: fc.constant('add' as const), path: pathArb }),
            fc.record({ op: fc.constant('remove' as const), index: fc.nat() }),
            fc.record({ op: fc.constant('rename' as const), index: fc.nat(), to: pathArb }),
            fc.record({ op: fc.constant('edit' as const), index: fc.nat() }),
          ),
          { maxLength: 25 },
        ),
        (initial, ops) => {
          const { before, after } = applyOps(initial, ops)
          expect(compareManifests(hashed(before), hashed(after))).toEqual(expectedReport(before, after))
        },
      ),
      { numRuns: 400 },
    )
  })

  test('same content at two new paths pairs one move and one add, in path order', () => {
    const diff = compareManifests({ 'a.txt': { sha256: 'x' } }, { 'c.txt': { sha256: 'x' }, 'b.txt': { sha256: 'x' } })
    expect(diff).toEqual({ added: ['c.txt'], removed: [], changed: [], moved: [{ from: 'a.txt', to: 'b.txt' }] })
  })
})

describe('buildManifest() / writeManifest() / readManifest()', () => {
  test('round-trips sha256 and size of real files', () => {
    const root = tempDir('gates-manifest-')
    writeFileSync(join(root, 'a.txt'), 'hello')
    const manifest = buildManifest(root, ['a.txt'], new Date('2026-01-02T03:04:05Z'))
    expect(manifest.files['a.txt']).toEqual({
      sha256: '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
      size: 5,
    })
    writeManifest(join(root, '.codex', 'pre_manifest.json'), manifest)
    expect(readManifest(root, '.codex/pre_manifest.json')).toEqual(manifest)
    expect(readManifest(root, 'none.json')).toBeUndefined()
  })

  test('a listed file that vanished before hashing is left out', () => {
    const root = tempDir('gates-manifest-')
    writeFileSync(join(root, 'a.txt'), 'a')
    expect(Object.keys(buildManifest(root, ['gone.txt', 'a.txt']).files)).toEqual(['a.txt'])
  })

  test("broken JSON or a folder in the manifest's place: the reason and the command that rewrites it", () => {
    const root = tempDir('gates-manifest-')
    writeFileSync(join(root, 'm.json'), '{"version":')
    mkdirSync(join(root, 'dir.json'))
    const caught = (rel: string) => {
      try {
        readManifest(root, rel)
      } catch (error) {
        return error as UserError
      }
      throw new Error('expected a UserError')
    }
    const broken = caught('m.json')
    expect(broken).toBeInstanceOf(UserError)
    expect(broken.message).toMatch(/^m\.json is not a codex-gates manifest \(.*JSON.*\)$/)
    expect(broken.hint).toBe('rewrite it with `npm run gates -- manifest`')
    expect(caught('dir.json').message).toMatch(/^dir\.json is not a codex-gates manifest \(EISDIR: /)
  })

  test('an unreadable manifest is a user error with the command that rewrites it', () => {
    const root = tempDir('gates-manifest-')
    writeFileSync(join(root, 'm.json'), '{"version":2}')
    expect(() => readManifest(root, 'm.json')).toThrow(/not a codex-gates manifest/)
  })
})
