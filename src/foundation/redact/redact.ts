import { SECRET_NAME, secretEnvValues } from './env-secrets.ts'
import { maskSecret } from './mask-secret.ts'
import { maskText, maskValue } from './mask-value.ts'

// The public face of masking. Sinks do not call these: the ledger writer, the JSON-lines writer
// (appendJsonLines) and the report readers mask what enters them (see mask-value.ts).

export { maskSecret, SECRET_NAME, secretEnvValues }

/** `maskText`: every secret in `text` masked (first 4 characters + length). */
export const redactText = maskText

/** `maskValue`: every string in a JSON-like value masked, keys included. */
export const redactValue = maskValue

/** An environment map with the values of secret-named variables masked (any length) and the rest masked as text. */
export function redactEnv(
  env: Record<string, string>,
  envSecrets: readonly string[] = secretEnvValues(),
): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(env)) {
    out[name] = SECRET_NAME.test(name) && value.length > 0 ? maskSecret(value) : maskText(value, envSecrets)
  }
  return out
}
