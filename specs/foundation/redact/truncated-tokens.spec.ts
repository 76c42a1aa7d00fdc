import { describe, expect, test } from 'vitest'
import { FAKE_SECRETS } from '../../../src/domain/gates/secrets/fake-secrets.ts'
import { Prng } from '../../../src/foundation/random/prng.ts'
import { maskSecret } from '../../../src/foundation/redact/mask-secret.ts'
import { SECRET_PATTERNS } from '../../../src/foundation/redact/secret-patterns.ts'
import { MIN_TOKEN_BODY, maskTokens } from '../../../src/foundation/redact/truncated-tokens.ts'
import { fakeSecret } from '../../support/planted-secrets.ts'

const prefixed = SECRET_PATTERNS.filter((p) => p.prefix)

describe('maskTokens()', () => {
  test.each(prefixed.map((p) => [p.id, p] as const))('%s: whole, and cut anywhere past its prefix + 8', (id, p) => {
    const token = fakeSecret(id, 14).secret
    const prefix = (new RegExp(`^${p.prefix}`).exec(token) as RegExpExecArray)[0]
    for (let length = prefix.length + MIN_TOKEN_BODY; length <= token.length; length++) {
      const cut = token.slice(0, length)
      for (const text of [`expected '${cut}…' to be 'x'`, `"line\\n${cut}"`, `${cut}`]) {
        expect(maskTokens(text), text).toBe(text.replace(cut, maskSecret(cut)))
      }
    }
  })

  test('a prefix with 7 token characters, or one inside an identifier, is not a token', () => {
    for (const text of [
      'ghp_abc1234 npm_lifecycle_event npm_execpath= task-runner',
      'xghp_aB3dE5fG7hJ9kL1m',
      'sk_live_abcDEF12_suffix',
    ]) {
      expect(maskTokens(text)).toBe(text)
    }
  })

  test('a PEM key cut inside its key material is masked from its BEGIN line on', () => {
    const key = FAKE_SECRETS['private-key']?.(Prng.fromSeed(3)).secret as string
    const cut = key.slice(0, key.indexOf('\n') + 30)
    expect(maskTokens(`stdout: ${cut}`)).toBe(`stdout: ${maskSecret(cut)}`)
  })

  test('a URL password cut before its @ is masked; a port is not a password', () => {
    const pw = ['Hunter2dq', 'yunDuvW4'].join('')
    expect(maskTokens(`postgres://admin:${pw.slice(0, 10)}`)).toBe(`postgres://admin:${maskSecret(pw.slice(0, 10))}`)
    expect(maskTokens('http://localhost:30000000/x')).toBe('http://localhost:30000000/x')
  })

  test('kaggle.json inside JSON strings, escaped any number of times, is still found by its context', () => {
    const key = fakeSecret('kaggle-key', 5).secret.match(/[0-9a-f]{32}/)?.[0] as string
    for (const file of [`{"username":"ada","key":"${key}"}`, `{"key": "${key}", "username": "ada"}`]) {
      let text = file
      for (let depth = 0; depth < 4; depth++) {
        const masked = maskTokens(`tok-${text}`)
        expect(masked, `depth ${depth}`).not.toContain(key)
        expect(masked).toContain(maskSecret(key))
        text = JSON.stringify({ out: text })
      }
    }
    // Without the context, 32 hex characters are a digest, not a key.
    expect(maskTokens(`{"sha":"${key}"}`)).toBe(`{"sha":"${key}"}`)
  })
})
