import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { loadSafetyPolicy } from '../../../src/domain/data/safety-filter.ts'
import { tempDir } from '../../support/temp-dir.ts'

const POLICY = join('specs', 'fixtures', 'data', 'policy.json')
// Secret-shaped strings are assembled at run time so that no fixture looks like a leaked key.
const AWS_KEY = ['AKIA', 'ABCDEFGHIJKLMNOP'].join('')
const PEM = ['-----BEGIN RSA PRIVATE', 'KEY-----\nMIIE\n-----END RSA PRIVATE', 'KEY-----'].join(' ')

describe('SafetyFilter', () => {
  test('redacts, drops, and counts per rule', () => {
    const filter = loadSafetyPolicy(POLICY)
    expect(filter.apply({ text: 'write to jane.doe@example.com or A@B.io' })).toEqual({
      action: 'keep',
      value: { text: 'write to [EMAIL] or [EMAIL]' },
      changed: true,
    })
    expect(filter.apply({ text: `key ${AWS_KEY} here`, meta: { note: 'x@y.org' } })).toEqual({
      action: 'keep',
      value: { text: 'key [REDACTED:secrets] here', meta: { note: '[EMAIL]' } },
      changed: true,
    })
    expect(filter.apply({ text: PEM })).toEqual({ action: 'drop', rule: 'private-key' })
    expect(filter.apply({ text: 'clean', id: 3 })).toEqual({
      action: 'keep',
      value: { text: 'clean', id: 3 },
      changed: false,
    })
    expect(filter.counts).toEqual({
      'private-key': { action: 'drop', matches: 1, records: 1 },
      secrets: { action: 'redact', matches: 1, records: 1 },
      email: { action: 'redact', matches: 3, records: 2 },
    })
  })

  test('the shipped policy is valid', () => {
    const filter = loadSafetyPolicy(join('configs', 'datasets', 'safety-policy.json'))
    expect(Object.keys(filter.counts)).toEqual(['private-key-block', 'secrets', 'email'])
    expect(filter.sha256).toMatch(/^[0-9a-f]{64}$/)
  })

  test('names the file and rule of a bad policy', () => {
    const dir = tempDir()
    const write = (name: string, value: unknown) => {
      const path = join(dir, name)
      writeFileSync(path, JSON.stringify(value))
      return path
    }
    expect(() => loadSafetyPolicy(join('specs', 'fixtures', 'data', 'bad-policy.json'))).toThrow(
      /bad-policy\.json: rules\[0\] \(broken\) pattern is not a valid regular expression/,
    )
    expect(() =>
      loadSafetyPolicy(write('a.json', { version: 1, rules: [{ id: 'x', action: 'mask', pattern: 'a' }] })),
    ).toThrow(/a\.json: .*\/rules\/0\/action must be one of "redact", "drop"/)
    expect(() => loadSafetyPolicy(write('b.json', { version: 1, rules: [{ id: 'x', action: 'drop' }] }))).toThrow(
      /b\.json: /,
    )
    const twice = { id: 'x', action: 'drop', pattern: 'a' }
    expect(() => loadSafetyPolicy(write('c.json', { version: 1, rules: [twice, twice] }))).toThrow(
      /rules\[1\]\.id "x" is used twice/,
    )
  })
})
