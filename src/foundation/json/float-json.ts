/**
 * JSON has no NaN, ±Infinity or -0, yet a resumed run must see the exact same doubles (a
 * metric may be NaN, an epoch -0 never is but costs nothing to keep). Finite values other than
 * -0 stay plain JSON numbers, which round-trip exactly (shortest round-trip formatting); the
 * rest become the strings below.
 */
export type JsonFloat = number | 'NaN' | 'Infinity' | '-Infinity' | '-0'

export function encodeFloat(value: number): JsonFloat {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Number.POSITIVE_INFINITY) return 'Infinity'
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity'
  if (Object.is(value, -0)) return '-0'
  return value
}

/** Decodes `encodeFloat` output; anything else yields undefined so callers can name the field. */
export function decodeFloat(value: unknown): number | undefined {
  if (typeof value === 'number') return value
  switch (value) {
    case 'NaN':
      return Number.NaN
    case 'Infinity':
      return Number.POSITIVE_INFINITY
    case '-Infinity':
      return Number.NEGATIVE_INFINITY
    case '-0':
      return -0
    default:
      return undefined
  }
}
