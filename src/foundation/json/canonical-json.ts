import { createHash } from 'node:crypto'

/**
 * JSON with object keys sorted at every depth and no whitespace: equal values give equal text,
 * so its sha256 identifies a config, a tokenizer or a record independently of key order.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value))
}

/** Hex sha256 of a string (as UTF-8) or bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    const json = (value as { toJSON?: () => unknown }).toJSON
    if (typeof json === 'function') return sortKeys(json.call(value))
    // No prototype: a `__proto__` key (JSON.parse makes it an own key) stays a key, not a setter.
    const out: Record<string, unknown> = Object.create(null)
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key]
      if (v !== undefined) out[key] = sortKeys(v)
    }
    return out
  }
  return value
}
