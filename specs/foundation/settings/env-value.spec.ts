import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { envValue } from '../../../src/foundation/settings/env-value.ts'

describe('envValue()', () => {
  test('unset, empty and blank all mean "not set"; anything else is returned as given', () => {
    expect(envValue('CODEX_LEDGER', {})).toBeUndefined()
    expect(envValue('CODEX_LEDGER', { CODEX_LEDGER: '' })).toBeUndefined()
    expect(envValue('CODEX_LEDGER', { CODEX_LEDGER: '  \t' })).toBeUndefined()
    expect(envValue('CODEX_LEDGER', { CODEX_LEDGER: ' a.db ' })).toBe(' a.db ')
    expect(envValue('CODEX_LEDGER', { CODEX_LEDGER: '0' })).toBe('0')
  })

  test('property: defined exactly when the value has a non-blank character', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        expect(envValue('CODEX_LEDGER', { CODEX_LEDGER: value }) !== undefined).toBe(value.trim() !== '')
      }),
    )
  })
})
