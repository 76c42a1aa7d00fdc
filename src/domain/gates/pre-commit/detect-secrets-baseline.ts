import { UserError } from '../../../foundation/errors/user-error.ts'
import { nodeCrypto } from '../../../foundation/lazy/node-crypto.ts'

/** One accepted secret of a detect-secrets baseline (the plaintext is never stored, only its sha1). */
export interface BaselineEntry {
  type: string
  filename: string
  hashed_secret: string // sha1 hex of the secret's UTF-8 bytes
  line_number: number | null
  is_verified: boolean
  /** Set by `detect-secrets audit`: true = a real secret, false = a false positive, null = not audited. */
  is_secret: boolean | null
}

export interface DetectSecretsBaseline {
  version: string | null
  /** Repo-relative file → its entries. */
  results: Map<string, BaselineEntry[]>
}

/**
 * Parses detect-secrets' `.secrets.baseline` JSON (`version`, `results: {file: [{type, filename,
 * hashed_secret, is_verified, line_number?, is_secret?}]}`). Wrong shapes are a UserError naming the
 * file and the entry.
 */
export function readDetectSecretsBaseline(text: string, file = '.secrets.baseline'): DetectSecretsBaseline {
  const bad = (where: string, problem: string): never => {
    throw new UserError(
      'DETECT_SECRETS_BASELINE',
      `${file}: ${where}: ${problem}`,
      'regenerate it with `detect-secrets scan > .secrets.baseline`, or fix that entry',
    )
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (e) {
    return bad('not valid JSON', (e as Error).message)
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    return bad('the top level', 'expected an object with `results`')
  const top = raw as Record<string, unknown>
  const resultsRaw = top.results
  if (resultsRaw === null || typeof resultsRaw !== 'object' || Array.isArray(resultsRaw)) {
    return bad('`results`', 'expected an object of file → list of secrets')
  }
  const results = new Map<string, BaselineEntry[]>()
  for (const [name, list] of Object.entries(resultsRaw as Record<string, unknown>)) {
    if (!Array.isArray(list)) bad(`results[${JSON.stringify(name)}]`, 'expected a list')
    const entries = (list as unknown[]).map((item, i) => {
      const where = `results[${JSON.stringify(name)}][${i}]`
      if (item === null || typeof item !== 'object') return bad(where, 'expected an object')
      const e = item as Record<string, unknown>
      if (typeof e.hashed_secret !== 'string' || !/^[0-9a-f]{40}$/.test(e.hashed_secret)) {
        return bad(`${where}.hashed_secret`, 'expected 40 lower-case hex digits (a sha1)')
      }
      if (typeof e.type !== 'string') return bad(`${where}.type`, 'expected a string')
      if (e.line_number !== undefined && !Number.isInteger(e.line_number))
        return bad(`${where}.line_number`, 'expected an integer')
      if (e.is_secret !== undefined && e.is_secret !== null && typeof e.is_secret !== 'boolean') {
        return bad(`${where}.is_secret`, 'expected true, false or absent')
      }
      return {
        type: e.type,
        filename: typeof e.filename === 'string' ? e.filename : name,
        hashed_secret: e.hashed_secret,
        line_number: (e.line_number as number | undefined) ?? null,
        is_verified: e.is_verified === true,
        is_secret: (e.is_secret as boolean | null | undefined) ?? null,
      }
    })
    results.set(name, entries)
  }
  return { version: typeof top.version === 'string' ? top.version : null, results }
}

/** detect-secrets' `hashed_secret`: sha1 hex of the secret's UTF-8 bytes. */
export function hashSecret(secret: string): string {
  return nodeCrypto().createHash('sha1').update(secret, 'utf8').digest('hex') // loaded on the first secret found
}

/**
 * True when the baseline already lists this secret for this file, as detect-secrets' pre-commit
 * hook decides (`secrets - baseline`: same file and hash; same type when `type` is given). Its
 * hook accepts entries whatever their audit; `rejectAuditedSecrets` refuses those audited as real
 * (`is_secret: true`).
 */
export function acceptedByDetectSecretsBaseline(
  baseline: DetectSecretsBaseline,
  file: string,
  secretValue: string,
  options: { type?: string; rejectAuditedSecrets?: boolean } = {},
): boolean {
  const hash = hashSecret(secretValue)
  return (baseline.results.get(file) ?? []).some(
    (e) =>
      e.hashed_secret === hash &&
      (options.type === undefined || e.type === options.type) &&
      !(options.rejectAuditedSecrets === true && e.is_secret === true),
  )
}
