import { MASK_MARK, maskSecret } from './mask-secret.ts'
import { isSecretName } from './secret-names.ts'

// `NAME_TOKEN=value`, `"api_key": "…"`, `password: …`, `--token=…`, `--token …`: values of
// secret-named assignments in text. Names are judged by the secrets gate's vocabulary
// (secret-names.ts); unlike the gate, any value is masked but obvious non-secrets, since a
// masked word costs little and a missed password leaks.

/** Shortest assigned value that is masked (the length of the shortest env secret). */
export const MIN_ASSIGNED_SECRET = 6

/** Stems every secret-holding name contains (see `isSecretName`), matched case-insensitively. */
export const NAME_STEMS: readonly string[] = ['pass', 'pwd', 'secret', 'token', 'credential', 'auth', 'key']

const STEM = new RegExp(NAME_STEMS.join('|'), 'gi')

/** HTTP's header is named for authorization, not for a secret, yet its value is one. */
const AUTHORIZATION = /authori[sz]ation$/i

/** Replaces the value of every secret-named assignment in `text` with its mask. */
export function maskAssignments(text: string): string {
  let out = ''
  let last = 0
  STEM.lastIndex = 0
  for (let m = STEM.exec(text); m; m = STEM.exec(text)) {
    const hit = assignmentAt(text, m.index)
    if (!hit) continue
    out += text.slice(last, hit.start) + maskSecret(text.slice(hit.start, hit.end))
    last = hit.end
    STEM.lastIndex = hit.end
  }
  return last === 0 ? text : out + text.slice(last)
}

/**
 * True for values no one would hide: short, empty, already masked, templated (`${VAR}`,
 * `{{x}}`, `<placeholder>`, `%(x)s`, `$VAR`), a reference (`process.env.X`), a stand-in
 * (`***`, `xxxx`, one repeated character), a literal (`null`, `true`), or a nested structure.
 */
export function isObviousNonSecret(value: string): boolean {
  if (value.length < MIN_ASSIGNED_SECRET || value.includes(MASK_MARK)) return true
  if (/^(?:\$\{|\{\{|%\(|#\{|@\{|\$[A-Za-z_(])|^<[^<>]*>$|^%s$/.test(value)) return true
  if (/^(?:process\.env|os\.environ|os\.getenv|import\.meta\.env|secrets\.|env\.)/.test(value)) return true
  if (/^(?:[*xX.\u2022\u2026-]+|(.)\1*)$/.test(value)) return true
  if (/^(?:true|false|null|none|nil|undefined|empty|redacted|required|optional)$/i.test(value)) return true
  return /^[[{(]/.test(value)
}

/** True for a command-line flag named like a secret: `--token`, `-password`, `--api-key`. */
export function isSecretFlag(arg: string): boolean {
  return /^--?[A-Za-z][\w.-]*$/.test(arg) && isSecretName(arg)
}

// --- internal ---

/** `[A-Za-z0-9_$.-]`, by char code. */
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

/** Ends a bare value: whitespace, quotes, `,;&|)]}<>` and `\` (an escape in encoded text). */
function endsBareValue(c: number): boolean {
  return (
    c === 32 ||
    c === 9 ||
    c === 10 ||
    c === 13 ||
    c === 34 ||
    c === 39 ||
    c === 96 ||
    c === 44 ||
    c === 59 ||
    c === 38 ||
    c === 124 ||
    c === 41 ||
    c === 93 ||
    c === 125 ||
    c === 60 ||
    c === 62 ||
    c === 92
  )
}

/** The value span of a secret-named assignment whose name contains the stem at `at`, if any. */
function assignmentAt(text: string, at: number): { start: number; end: number } | undefined {
  const n = text.length
  let start = at
  while (start > 0 && isNameChar(text.charCodeAt(start - 1))) start--
  // `\ntoken=` in encoded text: the escape's letter is not part of the name.
  if (start > 0 && text.charCodeAt(start - 1) === 92 && /[nrtbfv]/.test(text[start] as string) && start + 1 <= at) {
    start++
  }
  let end = at
  while (end < n && isNameChar(text.charCodeAt(end))) end++
  let j = end
  // The closing quote of a quoted key: `"key":`, `'key'=`, `\"key\":` (JSON inside a string, once or more).
  const closing = quoteAt(text, j)
  const quotedName = closing !== undefined
  if (closing) j += closing.length
  const afterName = j
  while (text[j] === ' ' || text[j] === '\t') j++
  const flag = text[start] === '-'
  const c = text[j]
  if (c === ':') {
    if (text[j + 1] === '=') j += 2
    else if (text[j + 1] === ':' || text[j + 1] === '/')
      return undefined // `a::b`, `https://`
    else if (!quotedName && !/[ \t"'`\\]/.test(text[j + 1] ?? ''))
      return undefined // `secrets:github-token:…` is an id
    else j++
  } else if (c === '=') {
    if (text[j + 1] === '=') return undefined // a comparison
    j += text[j + 1] === '>' ? 2 : 1
  } else if (flag && c === ',') {
    j++ // `"--token","value"`: a flag and its value in a JSON array
  } else if (!(flag && j > afterName)) {
    return undefined // `--token value` separates by whitespace; other names need an operator
  }
  while (text[j] === ' ' || text[j] === '\t') j++
  const name = text.slice(start, end)
  if (!isSecretName(name) && !AUTHORIZATION.test(name)) return undefined
  const span = valueAt(text, j)
  if (!span) return undefined
  let [from, to] = span
  const scheme = /^(?:Bearer|Basic|Token|token)[ \t]+/.exec(text.slice(from, from + 12))
  if (scheme) {
    const rest = from + scheme[0].length
    if (rest < to)
      from = rest // quoted: `"Bearer abc"`
    else {
      const bare = valueAt(text, rest) // `Bearer abc`: the bare value ended at the space
      if (!bare) return undefined
      ;[from, to] = bare
    }
  }
  const value = text.slice(from, to)
  if (isObviousNonSecret(value) || (flag && value.startsWith('-'))) return undefined
  return { start: from, end: to }
}

/**
 * The quote at `j`: `"`, `'` or a backtick, or a quote escaped once or more (`\"`, `\\\"`: JSON in a
 * string, or that in an inspected object) with its backslashes.
 */
function quoteAt(text: string, j: number): string | undefined {
  let k = j
  while (text.charCodeAt(k) === 92) k++
  const q = text[k]
  return q === '"' || q === "'" || (q === '`' && k === j) ? text.slice(j, k + 1) : undefined
}

/** Where the value starting at `j` lies: quoted (by a plain or escaped quote) or bare. */
function valueAt(text: string, j: number): [number, number] | undefined {
  const n = text.length
  if (j >= n) return undefined
  const quote = quoteAt(text, j)
  if (quote) {
    // It ends at the same quote escaped as many times; a quote escaped fewer times belongs to an
    // enclosing string, which ends there too. A cut value ends at its `…`, any value at a newline.
    const q = quote.charCodeAt(quote.length - 1)
    const level = quote.length - 1
    const from = j + quote.length
    for (let k = from; k < n; k++) {
      const c = text.charCodeAt(k)
      if (c === 10) return [from, k]
      if (c === 0x2026) return [from, k + 1]
      if (c !== q) continue
      let b = 0
      while (text.charCodeAt(k - 1 - b) === 92) b++
      if (b <= level) return [from, k - b]
    }
    return [from, n]
  }
  let k = j
  while (k < n && !endsBareValue(text.charCodeAt(k))) k++
  return k > j ? [j, k] : undefined
}
