import { appendFileSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { secretEnvValues } from './env-secrets.ts'
import { maskValue } from './mask-value.ts'

/**
 * Appends each value as one JSON line, every string in it masked before it is encoded
 * (`maskValue`). The one writer of the JSON-lines logs (`.codex/errors.ndjson`, `.codex/bugs.log`,
 * the ledger's NDJSON fallback), so no line reaches them unmasked. Creates the folder; throws
 * what `appendFileSync` throws.
 */
export function appendJsonLines(
  path: string,
  values: readonly unknown[],
  secrets: readonly string[] = secretEnvValues(),
): void {
  if (values.length === 0) return
  const text = values.map((value) => `${JSON.stringify(maskValue(value, secrets))}\n`).join('')
  mkdirSync(dirname(path), { recursive: true })
  appendFileSync(path, text)
}
