import { setOwnKey } from '../json/set-own-key.ts'
import { holdsForm, MIN_ENV_SECRET, secretEnvValues, secretForms } from './env-secrets.ts'
import { maskSecret } from './mask-secret.ts'
import { isObviousNonSecret, isSecretFlag, maskAssignments, NAME_STEMS } from './secret-assignments.ts'
import { isSecretName } from './secret-names.ts'
import { SECRET_PATTERNS } from './secret-patterns.ts'
import { maskTokens } from './truncated-tokens.ts'

// The one masking step. Every sink (the ledger writer, the JSON-lines logs, the report readers)
// applies it to values before encoding them; it also copes with text that already holds encoded
// fragments (JSON in a message, an inspected object with `\n` escapes, a percent-encoded URL).

/**
 * Shortest text that can hold a secret found by shape or name: a prefix and 8 token characters,
 * or a 3-letter name, an operator and a 6-character value. Shorter text can hold an env secret only.
 */
const MIN_SHAPED = 10

/**
 * `text` with every secret masked (first 4 characters + length): the values of secret-named
 * environment variables (`secrets`, as is, JSON-escaped or percent-encoded), provider tokens
 * whole or cut short after their prefix, PEM private keys, URL passwords, and the values of
 * secret-named assignments (`X_TOKEN=…`, `"api_key": "…"`, `password: …`, `--token=…`).
 * Text holding JSON is parsed, masked value by value and encoded again. One prefilter pass
 * decides whether any of that is needed: almost never.
 */
export function maskText(text: string, secrets: readonly string[] = secretEnvValues()): string {
  if (text.length < MIN_ENV_SECRET) return text
  if (secrets.length !== 0 && holdsEnvSecret(text, secrets)) return maskFound(text, secrets)
  if (text.length < MIN_SHAPED) return text
  // Ledger rows repeat their ids, paths and project names row after row: a string seen clean
  // under the same secrets is clean again (a Set lookup is cheaper than the prefilter).
  const clean = cleanFor(secrets)
  if (clean.has(text)) return text
  if ((trigger ?? buildTrigger()).test(text)) return maskFound(text, secrets)
  // Adding costs more than the prefilter saves on a string seen once (most test names): remember
  // one clean string in CLEAN_SAMPLE, so a recurring one is remembered after a few sightings.
  if (text.length <= CLEAN_MAX_LENGTH && ++cleanMisses % CLEAN_SAMPLE === 0) {
    if (clean.size >= CLEAN_MAX_ENTRIES) clean.clear()
    clean.add(text)
  }
  return text
}

/**
 * A JSON-like value with every string masked (`maskText`), object keys included. A string under
 * a secret-named key (`{ apiKey: '…' }`) or after a secret-named flag in an array
 * (`['--token', '…']`) is masked whole unless it is an obvious non-secret (`${VAR}`, `***`).
 */
export function maskValue<T>(value: T, secrets: readonly string[] = secretEnvValues()): T {
  if (typeof value === 'string') return maskText(value, secrets) as T
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length)
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i]
      const before: unknown = value[i - 1]
      out[i] =
        typeof item === 'string' &&
        typeof before === 'string' &&
        isSecretFlag(before) &&
        !item.startsWith('-') &&
        !isObviousNonSecret(item)
          ? maskSecret(item)
          : maskValue(item, secrets)
    }
    return out as T
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) {
      const masked =
        typeof item === 'string' && isSecretName(key) && !isObviousNonSecret(item)
          ? maskSecret(item)
          : maskValue(item, secrets)
      setOwnKey(out, maskText(key, secrets), masked)
    }
    return out as T
  }
  return value
}

// --- internal ---

function maskFound(text: string, secrets: readonly string[]): string {
  return maskJson(text, secrets) ?? maskPlain(text, secrets)
}

/** Strings known clean are remembered up to this length, this many at a time. */
const CLEAN_MAX_LENGTH = 256
const CLEAN_MAX_ENTRIES = 8192
const CLEAN_SAMPLE = 4
let cleanMisses = 0
let cleanCache: { secrets: readonly string[]; strings: Set<string> } | undefined

function cleanFor(secrets: readonly string[]): Set<string> {
  if (cleanCache?.secrets !== secrets) cleanCache = { secrets, strings: new Set() }
  return cleanCache.strings
}

function holdsEnvSecret(text: string, secrets: readonly string[]): boolean {
  if (secrets.length === 0) return false
  for (const form of secretForms(secrets)) if (holdsForm(text, form)) return true
  return false
}

/** Text that parses as a JSON object or array: masked value by value, encoded again alike. */
function maskJson(text: string, secrets: readonly string[]): string | undefined {
  const first = text.trimStart()[0]
  const last = text.trimEnd().at(-1)
  if (!((first === '{' && last === '}') || (first === '[' && last === ']'))) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return undefined
  }
  const indent = /^[[{]\r?\n([ \t]+)/.exec(text.trimStart())?.[1]
  // Value by value, then the shapes found by their context across values (kaggle.json's
  // "username" beside "key"): a mask never holds a quote, so the JSON stays valid.
  const masked = maskTokens(JSON.stringify(maskValue(parsed, secrets), null, indent))
  return masked === JSON.stringify(parsed, null, indent) ? text : masked
}

/** Every rule over plain text, then over the decoded form of percent-encoded runs. */
function maskPlain(text: string, secrets: readonly string[]): string {
  return maskPercentRuns(maskRules(text, secrets), secrets)
}

function maskRules(text: string, secrets: readonly string[]): string {
  let out = text
  for (const form of secretForms(secrets)) {
    if (out.includes(form.text)) out = out.split(form.text).join(maskSecret(form.secret))
    if (form.escaped) out = out.replace(form.escaped, maskSecret(form.secret))
  }
  return maskAssignments(maskTokens(out))
}

/** A percent-encoded run (`postgres%3A%2F%2Fapp%3Apw%40db`) that hides a secret is replaced by its masked decoding. */
function maskPercentRuns(text: string, secrets: readonly string[]): string {
  let out = ''
  let last = 0
  for (let at = text.indexOf('%'); at !== -1; at = text.indexOf('%', Math.max(at + 1, last))) {
    if (!isHex(text.charCodeAt(at + 1)) || !isHex(text.charCodeAt(at + 2)) || at < last) continue
    let start = at
    while (start > last && isUrlChar(text.charCodeAt(start - 1))) start--
    let end = at
    while (end < text.length && isUrlChar(text.charCodeAt(end))) end++
    const decoded = percentDecoded(text.slice(start, end))
    const masked = maskRules(decoded, secrets)
    if (masked !== decoded) {
      out += text.slice(last, start) + masked
      last = end
    }
  }
  return last === 0 ? text : out + text.slice(last)
}

/** `run` with its percent escapes decoded, again while some remain (a URL inside a URL): at most 3 times. */
function percentDecoded(run: string): string {
  let out = run
  for (let round = 0; round < 3 && /%[0-9A-Fa-f]{2}/.test(out); round++) {
    const next = out.replace(/(?:%[0-9A-Fa-f]{2})+/g, (encoded) => {
      try {
        return decodeURIComponent(encoded)
      } catch {
        return encoded
      }
    })
    if (next === out) break
    out = next
  }
  return out
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102)
}

/** What a URL or form body is made of: unreserved and reserved characters and `%`. */
function isUrlChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 64 && c <= 90) || // @ A-Z
    (c >= 35 && c <= 59) || // # $ % & ' ( ) * + , - . / 0-9 : ;
    c === 33 ||
    c === 61 ||
    c === 63 ||
    c === 95 ||
    c === 126
  )
}

let trigger: RegExp | undefined

/**
 * One case-insensitive regex that every maskable text matches: a name stem, a keyword of a
 * token shape (SECRET_PATTERNS' `keywords`, which every match contains), a PEM header or a `%`.
 * Most text does not, and is left alone.
 */
function buildTrigger(): RegExp {
  const words = new Set([
    ...NAME_STEMS,
    ...SECRET_PATTERNS.flatMap((p) => p.keywords ?? [p.keyword]),
    '-----begin',
    '%',
  ])
  trigger = new RegExp([...words].map((w) => w.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'), 'i')
  return trigger
}
