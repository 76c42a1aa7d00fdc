import { describe, expect, test } from 'vitest'
import type { Vitest } from 'vitest/node'
import { disableThresholds, partialRunReason } from '../../../src/adapters/vitest/full-run.ts'

/** A stand-in exposing only what partialRunReason reads. */
function fakeVitest(config: Record<string, unknown>, ran = 4, all = 4): Vitest {
  return {
    config: { project: [], coverage: { thresholds: { lines: 90 } }, ...config },
    globTestSpecifications: async () => new Array(all).fill({}),
    state: { getTestModules: () => new Array(ran).fill({}) },
  } as unknown as Vitest
}

describe('partialRunReason()', () => {
  test('null for a run of every test file', async () => {
    expect(await partialRunReason(fakeVitest({}))).toBeNull()
  })

  test('names the filter that made the run partial', async () => {
    expect(await partialRunReason(fakeVitest({ project: ['unit', 'gates'] }))).toBe('--project unit gates')
    expect(await partialRunReason(fakeVitest({ shard: { index: 1, count: 3 } }))).toBe('--shard 1/3')
    expect(await partialRunReason(fakeVitest({ testNamePattern: /ledger/ }))).toBe('-t /ledger/')
    expect(await partialRunReason(fakeVitest({ changed: 'HEAD' }))).toBe('--changed/--related')
    expect(await partialRunReason(fakeVitest({}, 1, 4))).toBe('file filters: 1 of 4 test files ran')
  })

  test('disableThresholds() clears the resolved thresholds Vitest checks after the run', () => {
    const vitest = fakeVitest({})
    disableThresholds(vitest)
    expect(vitest.config.coverage.thresholds).toBeUndefined()
  })
})
