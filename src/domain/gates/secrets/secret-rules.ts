import { SECRET_PATTERNS } from '../../../foundation/redact/secret-patterns.ts'
import { genericRule } from './generic-secret-rule.ts'
import { mlSecretRules } from './ml-secret-rules.ts'
import { awsExample, lowEntropy, notAJwt, placeholder, placeholderShape, templated } from './secret-filters.ts'
import type { DetectOptions, LineHit, SecretRule } from './secret-rule.ts'

export type { DetectOptions, LineHit, SecretRule }

/** Provider tokens: shapes from the shared SECRET_PATTERNS, confirmed and filtered here. */
function patternRule(id: string): SecretRule {
  const shape = SECRET_PATTERNS.find((p) => p.id === id)
  if (!shape) throw new Error(`BUG: secret pattern ${id} is missing from SECRET_PATTERNS`)
  const flags = shape.pattern.flags.includes('g') ? shape.pattern.flags : `${shape.pattern.flags}g`
  const pattern = new RegExp(shape.pattern.source, flags)
  return {
    id,
    description: shape.description,
    keywords: shape.keywords ?? [shape.keyword],
    detect(text, from, to) {
      const line = text.slice(from, to)
      const hits: LineHit[] = []
      pattern.lastIndex = 0
      for (let m = pattern.exec(line); m; m = pattern.exec(line)) {
        const group = m[1]
        const secret = group ?? m[0]
        const index = from + m.index + (group ? m[0].lastIndexOf(group) : 0)
        if (!embeddedInBlob(text, index, secret.length)) hits.push({ index, secret })
      }
      return hits
    },
    reject(secret) {
      // A low bar: random 20-character tokens dip near 3 bits/char, stand-ins sit far below.
      return awsExample(secret) ?? placeholderShape(secret) ?? lowEntropy(secret, 2)
    },
  }
}

/** A match glued to more base64 (`…+AKIA…/…`) is a slice of a blob, not a token. */
function embeddedInBlob(text: string, index: number, length: number): boolean {
  const before = text[index - 1]
  const after = text[index + length]
  return (before !== undefined && /[+/]/.test(before)) || (after !== undefined && /[+/=]/.test(after))
}

const jwtRule: SecretRule = {
  ...patternRule('jwt'),
  reject(secret) {
    return notAJwt(secret) ?? placeholderShape(secret)
  },
}

const urlShape = patternRule('url-credentials')

/** Hosts reserved for documentation (RFC 2606 / 6761): credentials there cannot be real. */
const DOCUMENTATION_HOST = /^(?:[\w-]+\.)*(?:example\.(?:com|org|net)|example|test|invalid)(?:[:/?#]|$)/i

/** The URL-credentials rule's byte-level test: no `@` before the URL's path means no userinfo. */
export function urlSkipAt(bytes: Uint8Array, end: number): boolean {
  // After `://`: userinfo runs to an `@`; a `/`, `?`, `#`, quote or whitespace first means none.
  const n = Math.min(bytes.length, end + 512)
  for (let j = end + 1; j < n; j++) {
    const c = bytes[j]
    if (c === 64) return false // @
    if (
      c === 47 ||
      c === 63 ||
      c === 35 ||
      c === 34 ||
      c === 39 ||
      c === 96 ||
      c === 32 ||
      c === 10 ||
      c === 9 ||
      c === 13
    ) {
      return true
    }
  }
  return true
}

const urlCredentialsRule: SecretRule = {
  ...urlShape,
  skipAt: urlSkipAt,

  detect(text, from, to, options, at) {
    const atSign = text.indexOf('@', from)
    if (atSign === -1 || atSign >= to) return [] // no userinfo on this line: skip the regex
    return urlShape.detect(text, from, to, options, at).filter((hit) => {
      const host = text.slice(hit.index + hit.secret.length + 1, to)
      return !DOCUMENTATION_HOST.test(host)
    })
  },
  reject(secret) {
    // Real URL passwords are rarely under 6 characters; documentation's `:pass@`, `:xyz@` are.
    return templated(secret) ?? placeholder(secret) ?? (secret.length < 6 ? 'too short for a real password' : undefined)
  },
}

/**
 * PEM private keys of every kind (RSA, EC, DSA, OPENSSH, ENCRYPTED, PGP … BLOCK): a BEGIN line
 * followed, within a few lines, by key material. A header alone (documentation) is not a key.
 */
const privateKeyRule: SecretRule = {
  id: 'private-key',
  description: 'PEM private key block',
  keywords: ['private key'],
  detect(text, from, to) {
    const hits: LineHit[] = []
    const header = /-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----/g
    const line = text.slice(from, to)
    for (let m = header.exec(line); m; m = header.exec(line)) {
      const start = from + m.index
      const endMarker = `-----END ${m[1]}-----`
      const endAt = text.indexOf(endMarker, start)
      const bodyEnd = endAt === -1 ? Math.min(text.length, start + 8192) : endAt + endMarker.length
      const body = text.slice(start + m[0].length, endAt === -1 ? bodyEnd : endAt)
      const material = body
        .split('\n')
        .slice(0, 8)
        .some((l) => /^[A-Za-z0-9+/]{40,}={0,2}\r?$/.test(l.trim()))
      if (material) hits.push({ index: start, secret: text.slice(start, bodyEnd) })
    }
    return hits
  },
}

/** Every rule, provider rules first: a value they claim is not reported again as generic. */
export const SECRET_RULES: readonly SecretRule[] = [
  patternRule('aws-access-key-id'),
  patternRule('aws-secret-access-key'),
  patternRule('github-token'),
  patternRule('github-fine-grained'),
  patternRule('gitlab-token'),
  patternRule('slack-token'),
  patternRule('slack-app-token'),
  patternRule('slack-webhook'),
  patternRule('stripe-key'),
  patternRule('google-api-key'),
  patternRule('npm-token'),
  patternRule('sendgrid-key'),
  // `sk` alone is in every other word (task, disk): key on `sk` plus a hex digit instead.
  { ...patternRule('twilio-key'), keywords: [...'0123456789abcdef'].map((h) => `sk${h}`) },
  patternRule('anthropic-key'),
  patternRule('openai-key'),
  ...mlSecretRules(patternRule),
  jwtRule,
  privateKeyRule,
  urlCredentialsRule,
  genericRule,
]
