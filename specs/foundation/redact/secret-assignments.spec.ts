import { describe, expect, test } from 'vitest'
import { maskSecret } from '../../../src/foundation/redact/mask-secret.ts'
import { isObviousNonSecret, isSecretFlag, maskAssignments } from '../../../src/foundation/redact/secret-assignments.ts'

const value = ['Qx7', 'mLp2', 'Vn9sRt'].join('') // built at run time: no literal secret in the tree

describe('maskAssignments()', () => {
  test.each([
    [`X_TOKEN=${value}`, `X_TOKEN=${maskSecret(value)}`],
    [`"api_key": "${value}"`, `"api_key": "${maskSecret(value)}"`],
    [`password: ${value} next`, `password: ${maskSecret(value)} next`],
    [`--token=${value}`, `--token=${maskSecret(value)}`],
    [`--token ${value} --x`, `--token ${maskSecret(value)} --x`],
    [`{\\\\\\"secret\\\\\\": \\\\\\"${value}\\\\\\"}`, `{\\\\\\"secret\\\\\\": \\\\\\"${maskSecret(value)}\\\\\\"}`],
    [`Authorization: Bearer ${value}`, `Authorization: Bearer ${maskSecret(value)}`],
    [`a=1 DB_PASSWORD='${value}' b=2`, `a=1 DB_PASSWORD='${maskSecret(value)}' b=2`],
  ])('%s', (text, expected) => {
    expect(maskAssignments(text)).toBe(expected)
  })

  test('a cut value is masked to where it was cut', () => {
    expect(maskAssignments(`expected "API_KEY=${value.slice(0, 8)}…`)).toBe(
      `expected "API_KEY=${maskSecret(`${value.slice(0, 8)}…`)}`,
    )
  })

  test.each([
    `token == ${value}`,
    `tokenizer=${value}`,
    `token_url=${value}`,
    `secrets:github-token:${value}`,
    `monkey=${value}`,
    `--no-auth --verbose`,
  ])('leaves names that hold no secret, and comparisons, alone: %s', (text) => {
    expect(maskAssignments(text)).toBe(text)
  })
})

describe('isObviousNonSecret()', () => {
  test.each([
    ['', true],
    ['short', true],
    [['$', '{DEPLOY_TOKEN}'].join(''), true],
    ['{{ secrets.TOKEN }}', true],
    ['<placeholder>', true],
    ['***', true],
    ['xxxxxxxx', true],
    ['process.env.API_KEY', true],
    ['undefined', true],
    ['[object Object]', true],
    ['abcd…[redacted 24 chars]', true],
    [value, false],
    ['correct horse battery', false],
  ])('%s: %s', (text, expected) => {
    expect(isObviousNonSecret(text)).toBe(expected)
  })
})

describe('isSecretFlag()', () => {
  test.each([
    ['--token', true],
    ['--api-key', true],
    ['-password', true],
    ['--tokenizer', false],
    ['--token-file', false],
    ['token', false],
  ])('%s: %s', (arg, expected) => {
    expect(isSecretFlag(arg)).toBe(expected)
  })
})
