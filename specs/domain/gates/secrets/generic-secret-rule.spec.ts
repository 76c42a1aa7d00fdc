import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { genericRule, genericSkipAt, isSecretName } from '../../../../src/domain/gates/secrets/generic-secret-rule.ts'

describe('isSecretName()', () => {
  test.each([
    ['password', true],
    ['DB_PASSWORD', true],
    ['apiKey', true],
    ['api_key', true],
    ['clientSecret', true],
    ['AUTH_TOKEN', true],
    ['githubToken', true],
    ['private_key', true],
    ['tokenizer', false],
    ['max_tokens', false],
    ['token_type', false],
    ['password_min_length', false],
    ['secretary', false],
    ['keyboard', false],
    ['monkey', false],
    ['masterkey', true],
    ['SIGNINGKEY', true],
    ['__', false],
    ['', false],
  ])('%s: %s', (name, expected) => {
    expect(isSecretName(name)).toBe(expected)
  })
})

describe('genericSkipAt()', () => {
  const options = { entropyThreshold: 3.5, minLength: 12, bareValues: false }
  const fragment = fc.constantFrom(
    'token',
    'api_key',
    'password',
    'tokenizer',
    ' = ',
    ': ',
    '=',
    '"',
    "'",
    '`',
    ' ',
    '.',
    '(',
    'x7Gq2Lm9Vb4Np1Rs',
    'abc',
    '\n',
    '??=',
    '=>',
  )

  test('never skips a keyword hit that detect() would report', () => {
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 12 }), fc.boolean(), (parts, bare) => {
        const text = parts.join('')
        const bytes = Buffer.from(text, 'latin1')
        const opts = { ...options, bareValues: bare }
        for (const keyword of ['token', 'api_key', 'password']) {
          for (let at = text.indexOf(keyword); at !== -1; at = text.indexOf(keyword, at + 1)) {
            const end = at + keyword.length - 1
            const found = genericRule.detect(text, 0, text.length, opts, end)
            if (genericSkipAt(bytes, end, opts)) expect(found).toEqual([])
          }
        }
      }),
      { numRuns: 2000 },
    )
  })
})
