import { maskedAt, maskSecret } from './mask-secret.ts'
import { SECRET_PATTERNS } from './secret-patterns.ts'

// Token shapes, whole or cut short. Vitest shortens long strings in assertion messages
// (`expected 'ghp_8f3Kq2LmN9pXrT5vW1yZ4aB7…' to …`), reports truncate cells, and a secret cut
// at 27 of its 36 characters no longer matches its full-length rule: here a known prefix
// followed by MIN_TOKEN_BODY token characters is enough.

/** Token characters a cut token must still show after its prefix to be masked. */
export const MIN_TOKEN_BODY = 8

/**
 * Where a token may start: not after a letter or digit, except right after an escape like `\n`
 * (a token at the start of a line inside a JSON string or an inspected object is still one) or a
 * percent escape like `%20` (in a URL).
 */
export const TOKEN_START = String.raw`(?:(?<![A-Za-z0-9])|(?<=\\[nrtbfv0]|%[0-9A-Fa-f]{2}))`

/** Masks every prefixed token (whole or cut), PEM private key (whole or cut) and URL password in `text`. */
export function maskTokens(text: string): string {
  const { prefixed, shapes } = compiled()
  let out = text.replace(PEM_KEY, (match) => maskSecret(match))
  for (const pattern of shapes) out = out.replace(pattern, maskMatch)
  out = out.replace(prefixed, (match, offset: number, whole: string) =>
    maskedAt(whole, offset + match.length) ? match : maskSecret(match),
  )
  return out.replace(URL_PASSWORD_CUT, (match, password: string) =>
    /^\d+$/.test(password) ? match : match.slice(0, match.length - password.length) + maskSecret(password),
  )
}

// --- internal ---

/**
 * A PEM private key from its BEGIN line through its body (base64, headers such as `Proc-Type`,
 * real newlines or escaped ones, once or more) to its END line, or to where the text was cut.
 */
const PEM_KEY =
  /-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----(?:(?!-----END )(?:[A-Za-z0-9+/=:,. \t\r\n-]|\\+[nrt]))*(?:-----END \1-----)?/g

/** `scheme://user:password` cut before its `@`: 8 or more password characters, not a port number. */
const URL_PASSWORD_CUT = new RegExp(
  String.raw`${TOKEN_START}[a-z][a-z0-9+.-]*://[^\s:/@'"\\]+:([^\s:/@'"?#;&\\\u2026]{${MIN_TOKEN_BODY},})(?![^\s:/@'"?#;&\\\u2026]*@)`,
  'gi',
)

/** A pattern ending in its captured value of fixed length, `…([A-Za-z0-9]{40})\\b`: the length is group 1. */
const CUT_GROUP = /\{(\d+)\}\)\\b$/

interface Compiled {
  prefixed: RegExp
  shapes: RegExp[]
}

let cache: Compiled | undefined

/** Built from SECRET_PATTERNS on first use. */
function compiled(): Compiled {
  if (cache) return cache
  const withPrefix = SECRET_PATTERNS.filter((p) => p.prefix)
  const alternatives = withPrefix.map((p) => `${p.prefix}${p.body ?? '[A-Za-z0-9]'}{${MIN_TOKEN_BODY},}`)
  // Not followed by an identifier character or `=`: `npm_lifecycle_event`, `npm_execpath=` are
  // variables, not tokens.
  const prefixed = new RegExp(`${TOKEN_START}(?:${alternatives.join('|')})(?![A-Za-z0-9_=])`, 'g')
  // Shapes found by context (a name, a URL, a PEM header) keep their own patterns, made to see a
  // token start after an escape too.
  const withoutPrefix = SECRET_PATTERNS.filter((p) => !p.prefix)
  const shapes = withoutPrefix.map(
    (p) =>
      new RegExp(
        escapedQuotes(p.pattern.source.replace(/(?<!\\)\\b/g, String.raw`(?:\b|(?<=\\[nrtbfv0]|%[0-9A-Fa-f]{2}))`)),
        p.pattern.flags,
      ),
  )
  // A context-found value cut short where it ends (`cohere.Client("tnQh…`): the same context
  // with 8 or more of its characters before the cut mark.
  const cuts = withoutPrefix.flatMap((p) => {
    if (p.cut) return [new RegExp(escapedQuotes(p.cut.source), p.cut.flags)]
    if (!CUT_GROUP.test(p.pattern.source)) return []
    return [new RegExp(p.pattern.source.replace(CUT_GROUP, `{${MIN_TOKEN_BODY},$1})(?=…)`), p.pattern.flags)]
  })
  cache = { prefixed, shapes: [...shapes, ...cuts] }
  return cache
}

/**
 * A pattern source whose quotes (outside character classes) also match JSON-escaped ones, any
 * number of times: kaggle.json's `"username"…"key"` context still holds once the file's text sits
 * inside a JSON string (`{\"username\":…}`), inside another, and so on.
 */
export function escapedQuotes(source: string): string {
  let out = ''
  let inClass = false
  for (let i = 0; i < source.length; i++) {
    const c = source[i] as string
    if (c === '\\') {
      out += c + (source[i + 1] ?? '')
      i++
    } else if (inClass) {
      if (c === ']') inClass = false
      out += c
    } else if (c === '[') {
      inClass = true
      out += c
    } else out += c === '"' ? String.raw`\\*"` : c
  }
  return out
}

/** Masks a match, or only its captured group when it has one (keep the URL, hide the password). */
function maskMatch(match: string, ...rest: unknown[]): string {
  const group = rest[0]
  if (typeof group === 'string' && group.length > 0 && match.includes(group)) {
    return match.replace(group, maskSecret(group))
  }
  return maskSecret(match)
}
