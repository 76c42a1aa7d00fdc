import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { envValue } from '../../../src/foundation/settings/env-value.ts'

describe('envValue()', () => {
  test('unset, empty and blank all mean "not set"; anything else is returned as given', () => {
    expect(envValue('X', {})).toBeUndefined()
    expect(envValue('X', { X: '' })).toBeUndefined()
    expect(envValue('X', { X: '  \t' })).toBeUndefined()
    expect(envValue('X', { X: ' a.db ' })).toBe(' a.db ')
    expect(envValue('X', { X: '0' })).toBe('0')
  })

  test('property: defined exactly when the value has a non-blank character', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        expect(envValue('V', { V: value }) !== undefined).toBe(value.trim() !== '')
      }),
    )
  })
})
