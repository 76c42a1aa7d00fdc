import { UserError } from '../errors/user-error.ts'

/** Parses a positive integer flag value, naming the flag when it is not one. */
export function intFlag(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0) {
    throw new UserError('BAD_FLAG', `${flag} must be a non-negative integer, got "${value}"`, `e.g. ${flag} 20`)
  }
  return n
}

/** Parses durations like `7d`, `12h`, `30m` into milliseconds. */
export function durationFlag(value: string, flag: string): number {
  const match = /^(\d+)\s*([smhdw])$/.exec(value.trim())
  if (!match)
    throw new UserError('BAD_FLAG', `${flag} must look like 7d, 12h or 30m, got "${value}"`, `e.g. ${flag} 7d`)
  const unit = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 604800e3 }[match[2] as 's']
  return Number(match[1]) * unit
}
