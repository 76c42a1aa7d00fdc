/** Variable names whose values are secrets: `*TOKEN*`, `*SECRET*`, `*KEY*`, `*PASSWORD*` (and kin). */
export const SECRET_NAME = /TOKEN|SECRET|KEY|PASSWORD|PASSWD|CREDENTIAL|PRIVATE|AUTH/i

/** Shortest environment value worth hiding: shorter ones would mask common words everywhere. */
export const MIN_ENV_SECRET = 6

/** Values of secret-named environment variables long enough to be worth hiding, longest first. */
export function secretEnvValues(env: NodeJS.ProcessEnv = process.env): string[] {
  const values: string[] = []
  for (const [name, value] of Object.entries(env)) {
    if (value && value.length >= MIN_ENV_SECRET && SECRET_NAME.test(name)) values.push(value)
  }
  // Longest first, so a secret containing another is masked whole.
  return values.sort((a, b) => b.length - a.length)
}

/** One way an environment secret can appear in text, and the secret it stands for. */
export interface SecretForm {
  /** The text to look for: the value itself, or percent-encoded. */
  text: string
  /** For a value holding quotes, backslashes or control characters: it, escaped any number of times. */
  escaped?: RegExp
  secret: string
}

const formsOf = new WeakMap<readonly string[], readonly SecretForm[]>()

/**
 * Every spelling of each secret that text can hold: as is, percent-encoded (in a URL), and for a
 * value with `"`, `'`, `\` or a newline, escaped once or more (inside a JSON string, in an
 * inspected object, in JSON inside either), and without the spaces at its ends. Remembered per
 * list, so callers pass one list.
 */
export function secretForms(secrets: readonly string[]): readonly SecretForm[] {
  let forms = formsOf.get(secrets)
  if (!forms) {
    const out: SecretForm[] = []
    // A value with spaces at either end is also looked for trimmed: a message cut to its first
    // line, or a cell trimmed by a renderer, keeps the value without them.
    const spellings = secrets.flatMap((value) => {
      const trimmed = value.trim()
      return trimmed !== value && trimmed.length >= MIN_ENV_SECRET ? [value, trimmed] : [value]
    })
    for (const secret of spellings) {
      for (const text of new Set([secret, encodeURIComponent(secret)])) out.push({ text, secret })
      if (/["'\\\n\r\t]/.test(secret)) {
        const first = JSON.stringify(secret).slice(1, -1)
        out.push({ text: first, escaped: new RegExp(escapedSource(secret), 'g'), secret })
      }
    }
    forms = out
    formsOf.set(secrets, forms)
  }
  return forms
}

/** True when `text` holds `form`, in any of its spellings. */
export function holdsForm(text: string, form: SecretForm): boolean {
  if (text.includes(form.text)) return true
  if (!form.escaped) return false
  form.escaped.lastIndex = 0
  return form.escaped.test(text)
}

// --- internal ---

/** Regex source matching `secret` with its quotes, backslashes and control characters escaped any number of times. */
function escapedSource(secret: string): string {
  let source = ''
  for (const c of secret) {
    if (c === '\\') source += '\\\\+'
    else if (c === '"' || c === "'") source += `\\\\*${c}`
    else if (c === '\n') source += '(?:\\n|\\\\+n)'
    else if (c === '\r') source += '(?:\\r|\\\\+r)'
    else if (c === '\t') source += '(?:\\t|\\\\+t)'
    else source += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  }
  return source
}
