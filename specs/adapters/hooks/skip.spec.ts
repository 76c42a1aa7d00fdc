import { describe, expect, test } from 'vitest'
import { parseSkip, unknownSkipWarning } from '../../../src/adapters/hooks/skip.ts'

const STEPS = ['lint', 'secrets', 'env-files', 'docs-links']

describe('parseSkip()', () => {
  test('takes comma-separated step names, spaces and empty items ignored', () => {
    const { skip, unknown } = parseSkip(' secrets , lint,,', STEPS)
    expect([...skip].sort()).toEqual(['lint', 'secrets'])
    expect(unknown).toEqual([])
  })

  test('nothing is skipped without SKIP', () => {
    expect(parseSkip(undefined, STEPS).skip.size).toBe(0)
    expect(parseSkip('', STEPS).skip.size).toBe(0)
  })

  test('unknown names are reported with the nearest step, never skipped', () => {
    const { skip, unknown } = parseSkip('secret,zzz', STEPS)
    expect(skip.size).toBe(0)
    expect(unknown).toEqual([
      { name: 'secret', close: 'secrets' },
      { name: 'zzz', close: undefined },
    ])
    expect(unknownSkipWarning(unknown, STEPS)).toBe(
      'codex-gates: SKIP names no step "secret" (did you mean secrets?), "zzz"; steps are: lint, secrets, env-files, docs-links',
    )
    expect(unknownSkipWarning([], STEPS)).toBeUndefined()
  })
})
