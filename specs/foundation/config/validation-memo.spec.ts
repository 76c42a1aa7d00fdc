import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, test, vi } from 'vitest'
import {
  forgetValidationMemo,
  validateOnce,
  validationMemoPath,
} from '../../../src/foundation/config/validation-memo.ts'
import { tempDir } from '../../support/temp-dir.ts'

const dir = tempDir('validation-memo-')
const schema = join(dir, 'thing.schema.json')
writeFileSync(schema, JSON.stringify({ type: 'object', properties: { n: { type: 'number' } } }))

/** A memo file of its own for each test, so the tests do not see each other's passes. */
function useMemo(name: string): string {
  const path = join(dir, `${name}.json`)
  vi.stubEnv('CODEX_VALIDATION_MEMO', path)
  forgetValidationMemo()
  return path
}

function keysIn(path: string): string[] {
  return (JSON.parse(readFileSync(path, 'utf8')) as { keys: string[] }).keys
}

afterEach(() => {
  vi.unstubAllEnvs()
  forgetValidationMemo()
})

describe('validateOnce()', () => {
  test('a value that passed is not validated again, in this process or the next', () => {
    const path = useMemo('pass')
    const check = vi.fn()
    validateOnce(schema, { n: 1 }, check)
    validateOnce(schema, { n: 1 }, check)
    expect(check).toHaveBeenCalledTimes(1)
    expect(keysIn(path)).toHaveLength(1)
    forgetValidationMemo() // what a new process sees: the file
    validateOnce(schema, { n: 1 }, check)
    expect(check).toHaveBeenCalledTimes(1)
  })

  test('another value, or the same value against a changed schema, is validated', () => {
    useMemo('changes')
    const check = vi.fn()
    validateOnce(schema, { n: 1 }, check)
    validateOnce(schema, { n: 2 }, check)
    expect(check).toHaveBeenCalledTimes(2)
    const other = join(dir, 'other.schema.json')
    writeFileSync(other, JSON.stringify({ type: 'object' }))
    validateOnce(other, { n: 1 }, check)
    writeFileSync(other, JSON.stringify({ type: 'object', required: ['n'] }))
    validateOnce(other, { n: 1 }, check)
    expect(check).toHaveBeenCalledTimes(4)
  })

  test('a failure is thrown to the caller and never remembered: the next call validates again', () => {
    const path = useMemo('fail')
    const check = vi.fn(() => {
      throw new Error('configs/thing.json: /n must be number')
    })
    expect(() => validateOnce(schema, { n: 'x' }, check)).toThrow('/n must be number')
    expect(() => validateOnce(schema, { n: 'x' }, check)).toThrow('/n must be number')
    expect(check).toHaveBeenCalledTimes(2)
    expect(() => readFileSync(path)).toThrow(/ENOENT/)
  })

  test('a corrupt memo counts as empty and is rewritten; an unreadable schema is left to the check', () => {
    const path = useMemo('corrupt')
    writeFileSync(path, '{"version": 1, "keys": [')
    const check = vi.fn()
    validateOnce(schema, { n: 1 }, check)
    expect(check).toHaveBeenCalledTimes(1)
    expect(keysIn(path)).toHaveLength(1)
    const missing = vi.fn(() => {
      throw new Error('cannot read the schema')
    })
    expect(() => validateOnce(join(dir, 'missing.schema.json'), {}, missing)).toThrow('cannot read the schema')
  })

  test('keeps the newest 256 passes', () => {
    const path = useMemo('cap')
    for (let n = 0; n < 300; n++) validateOnce(schema, { n }, () => {})
    expect(keysIn(path)).toHaveLength(256)
    const check = vi.fn()
    validateOnce(schema, { n: 299 }, check)
    validateOnce(schema, { n: 0 }, check)
    expect(check).toHaveBeenCalledTimes(1) // n: 0 dropped out, n: 299 is still known
  })

  test('inside specs without CODEX_VALIDATION_MEMO nothing is remembered: every call validates', () => {
    vi.stubEnv('CODEX_VALIDATION_MEMO', undefined)
    forgetValidationMemo()
    expect(process.env.CODEX_LEDGER_SPEC_GUARD).toBe('1')
    const check = vi.fn()
    validateOnce(schema, { n: 1 }, check)
    validateOnce(schema, { n: 1 }, check)
    expect(check).toHaveBeenCalledTimes(2)
    expect(validationMemoPath({})).toMatch(/\.codex\/validated-configs\.json$/)
    expect(validationMemoPath({ CODEX_VALIDATION_MEMO: '' })).toBe(validationMemoPath({})) // empty means unset
  })
})
