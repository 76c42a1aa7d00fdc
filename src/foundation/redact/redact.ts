import { setOwnKey } from '../json/set-own-key.ts'
import { SECRET_PATTERNS } from './secret-patterns.ts'

/** Variable names whose values are secrets: `*TOKEN*`, `*SECRET*`, `*KEY*`, `*PASSWORD*` (and kin). */
export const SECRET_NAME = /TOKEN|SECRET|KEY|PASSWORD|PASSWD|CREDENTIAL|PRIVATE|AUTH/i

/** How a secret is shown: its first 4 characters and its length, nothing else. */
export function maskSecret(value: string): string {
  return `${value.slice(0, 4)}…[redacted ${value.length} chars]`
}

/** Values of secret-named environment variables long enough to be worth hiding. */
export function secretEnvValues(env: NodeJS.ProcessEnv = process.env): string[] {
  const values: string[] = []
  for (const [name, value] of Object.entries(env)) {
    if (value && value.length >= 6 && SECRET_NAME.test(name)) values.push(value)
  }
  // Longest first, so a secret containing another is masked whole.
  return values.sort((a, b) => b.length - a.length)
}

/**
 * Replaces every secret-looking token and every secret env value in `text` with its mask.
 * Applied to everything the ledger, the error log and the reports receive.
 */
export function redactText(text: string, envSecrets: readonly string[] = secretEnvValues()): string {
  let out = text
  for (const secret of envSecrets) {
    if (out.includes(secret)) out = out.split(secret).join(maskSecret(secret))
  }
  // One pass of every pattern at once decides whether any replacing is needed: almost never.
  if (!anySecretShape().test(out)) return out
  for (const { pattern } of SECRET_PATTERNS) {
    out = out.replace(pattern, (match, group?: unknown) => {
      if (typeof group === 'string' && group.length > 0 && match.includes(group)) {
        return match.replace(group, maskSecret(group)) // keep the URL, hide the password
      }
      return maskSecret(match)
    })
  }
  return out
}

let combined: RegExp | undefined
let combinedFrom: readonly unknown[] | undefined

/** All secret shapes as one alternation (rebuilt if the pattern list changes). */
function anySecretShape(): RegExp {
  if (!combined || combinedFrom !== SECRET_PATTERNS) {
    combined = new RegExp(SECRET_PATTERNS.map((p) => `(?:${p.pattern.source})`).join('|'), 'i')
    combinedFrom = SECRET_PATTERNS
  }
  return combined
}

/** Deep-redacts every string in a JSON-like value (keys are kept; values are scanned). */
export function redactValue<T>(value: T, envSecrets: readonly string[] = secretEnvValues()): T {
  if (typeof value === 'string') return redactText(value, envSecrets) as T
  if (Array.isArray(value)) return value.map((v) => redactValue(v, envSecrets)) as T
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) setOwnKey(out, k, redactValue(v, envSecrets))
    return out as T
  }
  return value
}

/** An environment map with the values of secret-named variables masked and the rest redacted. */
export function redactEnv(
  env: Record<string, string>,
  envSecrets: readonly string[] = secretEnvValues(),
): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(env)) {
    out[name] = SECRET_NAME.test(name) && value.length > 0 ? maskSecret(value) : redactText(value, envSecrets)
  }
  return out
}
