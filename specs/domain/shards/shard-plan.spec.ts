import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { planFiles, planShards } from '../../../src/domain/shards/shard-plan.ts'
import { parseShard } from '../../../src/domain/shards/shard-spec.ts'
import { tempDir } from '../../support/temp-dir.ts'

describe('planShards()', () => {
  const history = new Map([
    ['a.spec.ts', 900],
    ['b.spec.ts', 100],
    ['c.spec.ts', 300],
    ['gone.spec.ts', 5000],
  ])

  test('files without history count as the median; files no longer there are left out', () => {
    const plan = planShards(['a.spec.ts', 'b.spec.ts', 'c.spec.ts', 'new.spec.ts'], history, 2, 5)
    expect(plan.medianMs).toBe(300)
    expect(plan.newFiles).toEqual(['new.spec.ts'])
    expect(plan.shards.map((s) => s.files)).toEqual([['a.spec.ts'], ['b.spec.ts', 'c.spec.ts', 'new.spec.ts']])
    expect(plan.shards.map((s) => s.estimatedMs)).toEqual([900, 700])
    expect(plan).toMatchObject({ version: 1, count: 2, sessions: 5, estimatedMs: 900, lowerBoundMs: 900 })
  })
})

describe('planFiles()', () => {
  const dir = tempDir('plan-')
  const path = join(dir, 'plan.json')

  test("shard i's files; a missing plan or one for another N is exit 2 naming plan-shards", () => {
    expect(() => planFiles(path, 1, 2)).toThrow(/no shard plan at/)
    writeFileSync(path, JSON.stringify(planShards(['x', 'y', 'z'], new Map([['x', 5]]), 2, 1)))
    expect(planFiles(path, 2, 2)).toEqual(['y'])
    try {
      planFiles(path, 1, 3)
      expect.unreachable()
    } catch (error) {
      expect(error).toMatchObject({ code: 'SHARD_PLAN', exitCode: 2, hint: expect.stringContaining('plan-shards 3') })
    }
  })
})

describe('parseShard()', () => {
  test('i/N with 1 ≤ i ≤ N; anything else is a BAD_FLAG', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 })
    for (const bad of ['0/3', '4/3', '1', 'a/b', '1/0'])
      expect(() => parseShard(bad)).toThrow(expect.objectContaining({ code: 'BAD_FLAG' }))
  })
})
