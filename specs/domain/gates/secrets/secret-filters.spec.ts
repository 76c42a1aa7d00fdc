import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  awsExample,
  digest,
  isSequence,
  lowEntropy,
  notAJwt,
  notSecretShaped,
  placeholder,
  placeholderShape,
  reference,
  templated,
} from '../../../../src/domain/gates/secrets/secret-filters.ts'

/** Random-looking token characters, built at run time so this file holds no secret-shaped literal. */
const tokenChars = [...'Qm7vX2pL9sK4wR8tY3nB6cF1'].join('')

describe('templated()', () => {
  test.each([`$\u007BAPI_KEY}`, '{{ secret }}', '%(password)s', '$TOKEN', '#{vault.key}', '@{pw}', '<your-key>'])(
    '%s is a template',
    (value) => {
      expect(templated(value)).toBe('templated value')
    },
  )

  test('a literal value is not', () => {
    expect(templated(tokenChars)).toBeUndefined()
  })
})

describe('reference()', () => {
  test('names a secret store or a dotted path, not a literal', () => {
    expect(reference('process.env.API_TOKEN')).toBe('reference to a secret store')
    expect(reference('secrets.GITHUB_TOKEN')).toBe('reference to a secret store')
    expect(reference('app.credentials.primary')).toBe('dotted reference')
    expect(reference(tokenChars)).toBeUndefined()
  })

  test('a dotted value with a run of three digits is not taken for a reference', () => {
    // Versions and hostnames with numbers (`build.v123.key`) look dotted but can hide a secret.
    expect(reference('build.v123.key')).toBeUndefined()
  })
})

describe('placeholderShape()', () => {
  test.each([
    ['key-xxxxxxxx', 'placeholder (xxxxxxxx)'],
    ['id-XXXX', 'placeholder (XXXX)'],
    ['sk_****', 'placeholder (****)'],
    ['abc....', 'placeholder (....)'],
    ['abc…', 'placeholder (…)'],
    ['zzzzzzzzzz', 'one repeated character'],
    ['abcdefgh', 'character sequence'],
    ['98765432', 'character sequence'],
  ])('%s: %s', (value, reason) => {
    expect(placeholderShape(value)).toBe(reason)
  })

  test('a random token has no placeholder shape', () => {
    expect(placeholderShape(tokenChars)).toBeUndefined()
  })

  test('any value holding a masked run is a placeholder (property)', () => {
    const mask = fc.constantFrom('xxxx', 'XXXX', '****', '....', '…')
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), mask, fc.string({ maxLength: 20 }), (before, run, after) => {
        expect(placeholderShape(`${before}${run}${after}`)).toMatch(/^placeholder \(/)
      }),
    )
  })
})

describe('placeholder()', () => {
  test('stand-in words count as whole words, in any casing', () => {
    expect(placeholder('your-token-here')).toBe('placeholder (your)')
    expect(placeholder('myTestKey')).toBe('placeholder (test)')
    expect(placeholder('REPLACE_WITH_KEY')).toBe('placeholder (replace)')
  })

  test('where a person puts the word: a whole part, a first word, a part of words only; with digits after', () => {
    expect(placeholder('sk_test_51HqLyjWDarjtT1zdp7dc')).toBe('placeholder (test)')
    expect(placeholder('changeme123')).toBe('placeholder (changeme)')
    expect(placeholder('dummyKey42x')).toBe('placeholder (dummy)')
    expect(placeholder('myTestKey123')).toBe('placeholder (test)')
  })

  test('a word that random characters happen to spell inside a token is chance (a generated key that failed a redaction property)', () => {
    expect(placeholder('UT8EcN3ED7rttE48qBz9B8yKhkbFOoN8')).toBeUndefined()
    expect(placeholder('a9Xk2TestQ7mZ0pLw3')).toBeUndefined()
  })

  test('property: a random token that starts with a digit and mixes digits in is never rejected for a word', () => {
    const alnum = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789')
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9 }), fc.array(alnum, { minLength: 15, maxLength: 60 }), (d, chars) => {
        const token = `${d}${chars.join('')}`
        fc.pre(/\d.*[A-Za-z].*\d.*[A-Za-z]/.test(token.slice(1)))
        // Shapes (`xxxx`, one repeated character, runs) still count; a word alone never does.
        expect(placeholder(token)).toBe(placeholderShape(token))
      }),
      { numRuns: 300 },
    )
  })

  test('a word merely containing one (`tokenizer`, `testify`) is not a placeholder', () => {
    expect(placeholder('tokenizer')).toBeUndefined()
    expect(placeholder('testify9')).toBeUndefined()
    expect(placeholder(tokenChars)).toBeUndefined()
  })
})

describe('isSequence()', () => {
  test('values under 6 characters are never a sequence', () => {
    expect(isSequence('abcde')).toBe(false)
    expect(isSequence('')).toBe(false)
  })

  test('every run of 6+ consecutive character codes is a sequence, up or down (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 40, max: 120 }), fc.integer({ min: 6, max: 30 }), fc.boolean(), (from, n, up) => {
        const codes = Array.from({ length: n }, (_, i) => (up ? from + i : from + n - i))
        expect(isSequence(String.fromCharCode(...codes))).toBe(true)
      }),
    )
  })

  test('a random token is not', () => {
    expect(isSequence(tokenChars.toLowerCase())).toBe(false)
  })
})

describe('digest()', () => {
  test('UUIDs, hex digests with or without an algorithm prefix, and SRI strings', () => {
    expect(digest('123e4567-e89b-12d3-a456-426614174000')).toBe('UUID')
    expect(digest('d41d8cd98f00b204e9800998ecf8427e')).toBe('hex digest')
    expect(digest(`sha256:${'ab'.repeat(32)}`)).toBe('hex digest')
    expect(digest(`sha512-${'Ab3+/'.repeat(17)}==`)).toBe('integrity hash')
  })

  test('hex of a length no digest has, and other text, are not digests', () => {
    expect(digest('ab'.repeat(17))).toBeUndefined()
    expect(digest(tokenChars)).toBeUndefined()
  })

  test('every hex string of a digest length is a digest (property)', () => {
    const hex = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n })
    fc.assert(
      fc.property(
        fc.constantFrom(32, 40, 64, 96, 128).chain((n) => hex(n)),
        (value) => {
          expect(digest(value)).toBe('hex digest')
        },
      ),
    )
  })
})

describe('awsExample()', () => {
  test("AWS's documented example keys are not secrets", () => {
    expect(awsExample(['AKIA', 'IOSFODNN7', 'EXAMPLE'].join(''))).toBe('documented AWS example key')
    expect(awsExample(tokenChars)).toBeUndefined()
  })
})

describe('notSecretShaped()', () => {
  test.each([
    ['two words', 'contains whitespace'],
    ['https://host/path', 'URL'],
    ['pässwörtli9X', 'not ASCII'],
    ['getUserName', 'words only'],
    ['2024-01-31', 'number, date or version'],
    ['1.2.3+45', 'number, date or version'],
    ['./config/app9', 'path'],
    ['~/keys/id9', 'path'],
    ['C:\\keys\\id9', 'path'],
    ['certs/server9.pem', 'file name'],
    ['bundle-9f.min', 'file name'],
    ['fn(a9,b)', 'code'],
  ])('%s: %s', (value, reason) => {
    expect(notSecretShaped(value)).toBe(reason)
  })

  test('a random token is secret-shaped', () => {
    expect(notSecretShaped(tokenChars)).toBeUndefined()
  })
})

describe('lowEntropy()', () => {
  test('gives the entropy and the threshold it missed', () => {
    expect(lowEntropy('aabb', 2)).toBe('entropy 1.00 < 2')
    expect(lowEntropy('abcd', 2)).toBeUndefined()
  })
})

describe('notAJwt()', () => {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const token = (header: string) => `${header}.${b64({ sub: 'x' })}.c2ln`

  test('a header decoding to an object with alg or typ is a JWT header', () => {
    expect(notAJwt(token(b64({ alg: 'HS256' })))).toBeUndefined()
    expect(notAJwt(token(b64({ typ: 'JWT' })))).toBeUndefined()
  })

  test('anything else is noise: another object, a non-object, not JSON', () => {
    expect(notAJwt(token(b64({ kid: 'k1' })))).toBe('header is not a JWT header')
    expect(notAJwt(token(b64(null)))).toBe('header is not a JWT header')
    expect(notAJwt(token(b64('alg')))).toBe('header is not a JWT header')
    expect(notAJwt(token('bm90IGpzb24'))).toBe('header is not a JWT header')
  })
})
