import { SECRET_PATTERNS } from '../redact/secret-patterns.ts'
import {
  awsExample,
  digest,
  lowEntropy,
  notAJwt,
  notSecretShaped,
  placeholder,
  placeholderShape,
  reference,
  templated,
} from './secret-filters.ts'

/** Settings a rule's detector reads. */
export interface DetectOptions {
  entropyThreshold: number
  minLength: number
  /** Bare (unquoted) assignment values count: config files, not code. */
  bareValues: boolean
}

/** A secret found on a line: where it starts (offset in the line) and its text. */
export interface LineHit {
  index: number
  secret: string
}

/** A detection rule: its prefilter keywords (lowercase) and a detector over one line. */
export interface SecretRule {
  id: string
  description: string
  /** Lowercase literals; one must occur (any case) for the rule to run there. */
  keywords: readonly string[]
  /**
   * `line` (default): `detect` runs once per line holding a keyword, over [from, to).
   * `hit`: it runs for every keyword hit, `at` being the hit's offset (cheap, anchored work).
   */
  scope?: 'line' | 'hit'
  detect(text: string, from: number, to: number, options: DetectOptions, at: number): LineHit[]
  /**
   * A byte-level test run on the raw file before anything is decoded: true when the keyword
   * ending at `end` cannot start a hit of this rule (most `token`s are in `tokenizer.encode(`).
   */
  skipAt?(bytes: Uint8Array, end: number, options: DetectOptions): boolean
  /** The reason a hit is not a secret, or undefined. */
  reject?(secret: string, options: DetectOptions): string | undefined
}

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

const urlCredentialsRule: SecretRule = {
  ...urlShape,
  skipAt(bytes, end) {
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
  },
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

/** Names whose value is a secret: `password`, `api_key`, `clientSecret`, `AUTH_TOKEN`… */
const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'pwd',
  'pass',
  'passphrase',
  'secret',
  'secrets',
  'token',
  'credential',
  'credentials',
  'apikey',
  'auth',
])
const KEY_PREFIXES = new Set([
  'api',
  'access',
  'private',
  'secret',
  'signing',
  'encryption',
  'master',
  'auth',
  'client',
])
/** A last word that makes the name describe the secret rather than hold it: `token_url`, `password_min_length`. */
const DESCRIPTIVE_WORDS = new Set([
  'type',
  'types',
  'url',
  'uri',
  'endpoint',
  'path',
  'file',
  'filename',
  'dir',
  'name',
  'names',
  'count',
  'length',
  'len',
  'size',
  'max',
  'min',
  'limit',
  'env',
  'var',
  'field',
  'header',
  'prefix',
  'suffix',
  'format',
  'regex',
  'pattern',
  'policy',
  'expiry',
  'expires',
  'ttl',
  'lifetime',
  'algorithm',
  'algo',
  'kind',
  'label',
  'placeholder',
  'hint',
  'description',
  'title',
  'id',
  'ids',
  'index',
  'mode',
  'provider',
  'source',
  'store',
  'version',
])

/** True for assignment names that hold a secret. */
export function isSecretName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0)
  if (words.length === 0) return false
  if (DESCRIPTIVE_WORDS.has(words[words.length - 1] as string) && words.length > 1) return false
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string
    if (SECRET_WORDS.has(w)) return true
    if (/^[a-z]*(?:password|passwd|secret|token)$/.test(w)) return true
    if (/^(?:api|access|private|secret|signing|encryption|master|auth)key$/.test(w)) return true
    if (w === 'key' && i > 0 && KEY_PREFIXES.has(words[i - 1] as string)) return true
  }
  return false
}

/** No hits: shared, so the per-hit path allocates nothing when (as almost always) nothing is found. */
const NONE: LineHit[] = []

/** After a name: `= "value"`, `: value`, `": "value"`, `=value`, `:= "value"`, `=> 'v'` (one line). */
const ASSIGNED_VALUE =
  /["'\]]?[ \t]*(?::=|=>|\?\?=|\|\|=|=(?!=)|:(?!:))[ \t]*(?:(["'`])((?:\\.|(?!\1)[^\\\n])*)\1|([^\s"'`,;#]+))/y

/** `[A-Za-z0-9_$.-]`, by char code: this runs for every keyword hit. */
function isNameChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 95 ||
    c === 36 ||
    c === 46 ||
    c === 45
  )
}

/**
 * Generic `password|secret|token|api_key…` assignments whose value has high entropy. Anchored
 * at each keyword hit: widen to the name around it, then read an assignment right after it.
 */
const genericRule: SecretRule = {
  id: 'generic-secret',
  description: 'high-entropy secret assigned to',
  keywords: [
    'pass',
    'pwd',
    'secret',
    'token',
    'credential',
    'auth',
    ...['api', 'access', 'private', 'signing', 'encryption', 'master'].flatMap((p) =>
      ['', '_', '.', '-'].map((sep) => `${p}${sep}key`),
    ),
  ],
  scope: 'hit',
  detect(text, from, to, options, at) {
    let start = at
    while (start > from && isNameChar(text.charCodeAt(start - 1))) start--
    let end = at
    while (end < to && isNameChar(text.charCodeAt(end))) end++
    // Most hits are names in code (`tokenizer.encode(`): look for an operator before any regex.
    let op = end
    for (let c = text.charCodeAt(op); op < to && (c === 34 || c === 39 || c === 93 || c === 32 || c === 9); ) {
      c = text.charCodeAt(++op) // skip `"`, `'`, `]`, spaces and tabs
    }
    const c = text.charCodeAt(op)
    if (c !== 61 && c !== 58 && c !== 63 && c !== 124) return NONE // = : ?? ||
    ASSIGNED_VALUE.lastIndex = end
    const m = ASSIGNED_VALUE.exec(text)
    if (!m || m.index + m[0].length > to) return NONE
    const quoted = m[2]
    if (quoted === undefined && !options.bareValues) return NONE
    if (!isSecretName(text.slice(start, end))) return NONE
    const raw = (quoted ?? m[3] ?? '') as string
    const value = raw.replace(/^(?:Bearer|Basic|Token|token)\s+/, '')
    if (value.length < options.minLength) return NONE
    const index = end + m[0].length - (quoted === undefined ? 0 : 1) - value.length
    return [{ index, secret: value }]
  },
  skipAt(bytes, end, options) {
    // The byte-level twin of detect(): a name, an operator, then a quoted value long enough (or,
    // where bare values count, anything). Most keyword hits in code fail here, undecoded.
    const n = bytes.length
    let j = end + 1
    while (j < n && isNameChar(bytes[j] as number)) j++
    for (let c = bytes[j]; j < n && (c === 34 || c === 39 || c === 93 || c === 32 || c === 9); ) c = bytes[++j]
    let c = bytes[j]
    if (c !== 61 && c !== 58 && c !== 63 && c !== 124) return true // = : ?? ||
    while (j < n && (c === 61 || c === 58 || c === 63 || c === 124 || c === 62)) c = bytes[++j] // := => ??= ||=
    while (j < n && (c === 32 || c === 9)) c = bytes[++j]
    if (c !== 34 && c !== 39 && c !== 96) return !options.bareValues
    let k = j + 1
    while (k < n && bytes[k] !== c && bytes[k] !== 10) k++
    return k - j - 1 < options.minLength
  },
  reject(secret, options) {
    return (
      templated(secret) ??
      reference(secret) ??
      notSecretShaped(secret) ??
      digest(secret) ??
      awsExample(secret) ??
      placeholder(secret) ??
      lowEntropy(secret, options.entropyThreshold)
    )
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
  jwtRule,
  privateKeyRule,
  urlCredentialsRule,
  genericRule,
]
