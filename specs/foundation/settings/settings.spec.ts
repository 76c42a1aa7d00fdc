import { describe, expect, test } from 'vitest'
import { SETTINGS, setting } from '../../../src/foundation/settings/settings.ts'
import { userErrorFrom } from '../../support/user-error.ts'

describe('setting()', () => {
  test('empty or blank means unset, for every declared variable', () => {
    for (const name of Object.keys(SETTINGS) as (keyof typeof SETTINGS)[]) {
      expect(setting(name, { [name]: '' }), name).toBeUndefined()
      expect(setting(name, { [name]: '  ' }), name).toBeUndefined()
      expect(setting(name, {}), name).toBeUndefined()
    }
  })

  test('values are typed by the declaration', () => {
    expect(setting('CODEX_LEDGER', { CODEX_LEDGER: '/tmp/x.db' })).toBe('/tmp/x.db')
    expect(setting('CODEX_GATES_NO_CACHE', { CODEX_GATES_NO_CACHE: '1' })).toBe(true)
    expect(setting('CODEX_REPORTS', { CODEX_REPORTS: '0' })).toBe(false)
    expect(setting('CODEX_LEDGER_BUSY_MS', { CODEX_LEDGER_BUSY_MS: ' 250 ' })).toBe(250)
    expect(setting('SKIP', { SKIP: 'secrets, lint,,' })).toEqual(['secrets', 'lint'])
    expect(setting('CODEX_REPORTER', { CODEX_REPORTER: 'source' })).toBe('source')
  })

  test('a malformed value names the variable, what it must be and the fix', () => {
    const flag = userErrorFrom(() => setting('CODEX_HOOK_FIX', { CODEX_HOOK_FIX: 'maybe' }))
    expect(flag.code).toBe('BAD_SETTING')
    expect(flag.message).toBe('environment variable CODEX_HOOK_FIX must be 1 or 0, got "maybe"')
    expect(flag.hint).toBe('fix or unset it: `unset CODEX_HOOK_FIX`')
    expect(userErrorFrom(() => setting('CODEX_LEDGER_BUSY_MS', { CODEX_LEDGER_BUSY_MS: '-3' })).message).toContain(
      'a whole number ≥ 0',
    )
    expect(userErrorFrom(() => setting('CODEX_HOOK_RUNNER', { CODEX_HOOK_RUNNER: 'npx' })).message).toBe(
      'environment variable CODEX_HOOK_RUNNER must be one of auto, bundle, tsx, got "npx"',
    )
  })
})
