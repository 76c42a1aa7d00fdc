import { isSecretName } from '../../../foundation/redact/secret-names.ts'
import { awsExample, digest, lowEntropy, notSecretShaped, placeholder, reference, templated } from './secret-filters.ts'
import type { DetectOptions, LineHit, SecretRule } from './secret-rule.ts'

export { isSecretName }

// The generic rule of the secrets gate: `password|secret|token|api_key…` assignments whose
// value has high entropy. Provider rules live in secret-rules.ts.

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

/** The generic rule's byte-level test (see `SecretRule.skipAt`); a plain function so V8 inlines it. */
export function genericSkipAt(bytes: Uint8Array, end: number, options: DetectOptions): boolean {
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
}

/**
 * Generic `password|secret|token|api_key…` assignments whose value has high entropy. Anchored
 * at each keyword hit: widen to the name around it, then read an assignment right after it.
 */
export const genericRule: SecretRule = {
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
  skipAt: genericSkipAt,

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
