import { lstatSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { statMatches } from '../../../src/foundation/fs/blob-digest.ts'
import type { GitIndex, IndexEntry } from '../../../src/foundation/fs/git-index.ts'
import { tempDir } from '../../support/temp-dir.ts'

describe('statMatches()', () => {
  test("plain Stats answer as BigIntStats do, for stat data equal to git's and for mtime or ctime off by 250 ns or more", () => {
    const file = join(tempDir('stat-matches-'), 'a.txt')
    writeFileSync(file, 'one\n')
    const big = lstatSync(file, { bigint: true })
    const plain = lstatSync(file)
    const NS = 1_000_000_000n
    // The entry `git add` would write for this file now.
    const recorded: IndexEntry = {
      mtimeS: Number(big.mtimeNs / NS),
      mtimeNs: Number(big.mtimeNs % NS),
      ctimeS: Number(big.ctimeNs / NS),
      ctimeNs: Number(big.ctimeNs % NS),
      size: Number(big.size),
      ino: Number(big.ino & 0xffffffffn),
      mode: Number(big.mode),
      oid: 'f'.repeat(40),
      stage: 0,
    }
    const index: GitIndex = { entries: new Map(), mtimeMs: Number(big.mtimeMs) + 5_000, plain: true }
    expect([statMatches(recorded, plain, index), statMatches(recorded, big, index)]).toEqual([true, true])
    /** `entry` with one time moved by `delta` ns (carried into seconds as git would store it). */
    const moved = (field: 'mtime' | 'ctime', delta: number): IndexEntry => {
      const ns = BigInt(recorded[`${field}S`]) * NS + BigInt(recorded[`${field}Ns`]) + BigInt(delta)
      return { ...recorded, [`${field}S`]: Number(ns / NS), [`${field}Ns`]: Number(ns % NS) }
    }
    fc.assert(
      fc.property(
        fc.constantFrom('mtime' as const, 'ctime' as const),
        fc.integer({ min: 250, max: 5_000_000_000 }),
        fc.boolean(),
        (field, size, later) => {
          const entry = moved(field, later ? size : -size)
          expect([statMatches(entry, plain, index), statMatches(entry, big, index)]).toEqual([false, false])
        },
      ),
      { numRuns: 2000 },
    )
    // Size, inode and type are compared alike; a file changed at or after the index was written is not trusted.
    for (const entry of [
      { ...recorded, size: recorded.size + 1 },
      { ...recorded, ino: recorded.ino ^ 1 },
      { ...recorded, mode: 0o120000 },
    ])
      expect([statMatches(entry, plain, index), statMatches(entry, big, index)]).toEqual([false, false])
    const racy = { ...index, mtimeMs: Number(big.mtimeMs) }
    expect([statMatches(recorded, plain, racy), statMatches(recorded, big, racy)]).toEqual([false, false])
  })
})
