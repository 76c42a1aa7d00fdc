import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { FAKE_SECRETS, randomString } from '../../../../src/domain/gates/secrets/fake-secrets.ts'
import { SECRET_RULES, type SecretRule, urlSkipAt } from '../../../../src/domain/gates/secrets/secret-rules.ts'
import { Prng } from '../../../../src/foundation/random/prng.ts'

const OPTIONS = { entropyThreshold: 3.5, minLength: 12, bareValues: true }
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
const B64 = `${ALNUM}+/`

function rule(id: string): SecretRule {
  const found = SECRET_RULES.find((r) => r.id === id)
  if (!found) throw new Error(`no rule ${id}`)
  return found
}

/** Runs a line rule's detector over the whole text, the way the scanner calls it for one line. */
function detect(id: string, text: string) {
  return rule(id).detect(text, 0, text.length, OPTIONS, 0)
}

describe('SECRET_RULES', () => {
  test('ids are unique, every rule has keywords, and the generic rule comes last', () => {
    const ids = SECRET_RULES.map((r) => r.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(SECRET_RULES.every((r) => r.keywords.length > 0)).toBe(true)
    expect(ids.at(-1)).toBe('generic-secret')
  })
})

describe('provider pattern rules', () => {
  const aws = () => FAKE_SECRETS['aws-access-key-id']?.(Prng.fromSeed(9)).secret as string

  test('find the token with its offset in the line', () => {
    const key = aws()
    expect(detect('aws-access-key-id', `id = ${key}`)).toEqual([{ index: 5, secret: key }])
  })

  test('a match glued to more base64 is a slice of a blob, not a token', () => {
    const key = aws()
    expect(detect('aws-access-key-id', `blob+${key} end`)).toEqual([])
    expect(detect('aws-access-key-id', `blob ${key}/more`)).toEqual([])
    expect(detect('aws-access-key-id', `blob ${key}==`)).toEqual([])
  })

  test('reject the documented example key, placeholder shapes and low entropy', () => {
    const reject = rule('aws-access-key-id').reject
    expect(reject?.(['AKIA', 'IOSFODNN7', 'EXAMPLE'].join(''), OPTIONS)).toBe('documented AWS example key')
    expect(reject?.(`${'AKIA'}XXXXXXXXXXXXXXXX`, OPTIONS)).toBe('placeholder (XXXXXXXXXXXXXXXX)')
    expect(reject?.(`${'AKIA'}QAQAQAQAQAQAQAQA`, OPTIONS)).toBe('entropy 1.46 < 2')
    expect(reject?.(aws(), OPTIONS)).toBeUndefined()
  })
})

describe('jwt rule', () => {
  test('rejects a token whose header is not a JWT header', () => {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
    const reject = rule('jwt').reject
    const tail = `${b64({ sub: '1', pad: 'xxxxxxxx' })}.${'c2lnbmF0dXJl'.repeat(2)}`
    expect(reject?.(`${b64({ kid: 'k' })}.${tail}`, OPTIONS)).toBe('header is not a JWT header')
    expect(reject?.(`${b64({ alg: 'HS256' })}.${tail}`, OPTIONS)).toBeUndefined()
  })
})

describe('urlSkipAt()', () => {
  const bytes = (s: string) => new TextEncoder().encode(s)
  // `end` is the offset of the last byte of the keyword `://`.
  const at = (s: string) => s.indexOf('://') + 2

  test('does not skip when an @ comes before the path: there is userinfo', () => {
    const s = 'postgres://app:pw@db/x'
    expect(urlSkipAt(bytes(s), at(s))).toBe(false)
  })

  test.each(['https://host/path@x', 'https://host?q=@', 'https://host#@', 'x "https://host" @', 'https://host\n@'])(
    'skips %j: the URL ends before any @',
    (s) => {
      expect(urlSkipAt(bytes(s), at(s))).toBe(true)
    },
  )

  test('skips when the bytes end before any @ or terminator', () => {
    const s = 'see https://host'
    expect(urlSkipAt(bytes(s), at(s))).toBe(true)
  })

  test('only looks 512 bytes ahead', () => {
    const s = `https://${'h'.repeat(600)}@x`
    expect(urlSkipAt(bytes(s), at(s))).toBe(true)
  })
})

describe('url-credentials rule', () => {
  const password = () => randomString(Prng.fromSeed(3), ALNUM, 16)

  test('finds the password of a URL with userinfo', () => {
    const pw = password()
    const line = `DB=postgres://app:${pw}@db.internal:5432/app`
    expect(detect('url-credentials', line)).toEqual([{ index: line.indexOf(pw), secret: pw }])
  })

  test('a line without an @ has no userinfo: nothing is found', () => {
    expect(detect('url-credentials', `DB=postgres://db.internal/${password()}`)).toEqual([])
  })

  test('credentials at a documentation host (example.com, .test, .invalid) cannot be real', () => {
    const pw = password()
    for (const host of ['example.com', 'db.example.org:5432', 'api.test/x', 'host.invalid']) {
      expect(detect('url-credentials', `u=https://app:${pw}@${host}`)).toEqual([])
    }
  })

  test('rejects templates, placeholders and passwords under 6 characters', () => {
    const reject = rule('url-credentials').reject
    expect(reject?.(`$\u007BDB_PASSWORD}`, OPTIONS)).toBe('templated value')
    expect(reject?.('changeme', OPTIONS)).toBe('placeholder (changeme)')
    expect(reject?.('q7Zr2', OPTIONS)).toBe('too short for a real password')
    expect(reject?.(password(), OPTIONS)).toBeUndefined()
  })
})

describe('private-key rule', () => {
  const header = (kind: string) => `-----BEGIN ${kind}${'PRIVATE'} KEY-----`
  const material = (seed: number) =>
    Array.from({ length: 3 }, (_, i) => randomString(Prng.fromSeed(seed + i), B64, 64)).join('\n')

  test('a block runs from BEGIN through the matching END line', () => {
    const block = `${header('RSA ')}\n${material(1)}\n-----END RSA ${'PRIVATE'} KEY-----`
    const text = `before\n${block}\nafter\n`
    expect(rule('private-key').detect(text, 7, 7 + header('RSA ').length, OPTIONS, 0)).toEqual([
      { index: 7, secret: block },
    ])
  })

  test('without an END line, the key material up to the end of the text is the secret', () => {
    const text = `${header('EC ')}\n${material(2)}\n`
    expect(rule('private-key').detect(text, 0, header('EC ').length, OPTIONS, 0)).toEqual([{ index: 0, secret: text }])
  })

  test('a header followed by no key material within 8 lines is not a key (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 39, unit: fc.constantFrom(...B64) }), { maxLength: 8 }), (lines) => {
        const text = `${header('')}\n${lines.join('\n')}\n-----END ${'PRIVATE'} KEY-----\n`
        expect(rule('private-key').detect(text, 0, header('').length, OPTIONS, 0)).toEqual([])
      }),
    )
  })
})
