import { parseArgs as nodeParseArgs } from 'node:util'
import { UserError } from '../errors/user-error.ts'
import { nearest } from './nearest.ts'

export type OptionSpec = Record<
  string,
  { type: 'string' | 'boolean'; short?: string; multiple?: boolean; default?: string | boolean }
>

/** What `parseArgs` returns for `T` (named, so declaration files can spell it). */
export type ParsedArgs<T extends OptionSpec> = ReturnType<
  typeof nodeParseArgs<{
    args: string[]
    options: T & { help: { type: 'boolean' } }
    allowPositionals: true
    strict: true
  }>
>

/**
 * `util.parseArgs` with user errors: an unknown flag names the nearest known one and the
 * command's `--help`. `--help` is always accepted.
 */
export function parseArgs<T extends OptionSpec>(argv: string[], options: T, command: string): ParsedArgs<T> {
  const withHelp = { ...options, help: { type: 'boolean', short: 'h' } } as T & { help: { type: 'boolean' } }
  try {
    return nodeParseArgs({ args: argv, options: withHelp, allowPositionals: true, strict: true })
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error)
    const flag = /'(-{1,2}[^' ]+)/.exec(text)?.[1]
    const known = Object.keys(withHelp).map((k) => `--${k}`)
    const close = flag ? nearest(flag, known) : undefined
    throw new UserError(
      'BAD_FLAG',
      `${command}: ${text.replace(/\. To specify a positional argument.*$/s, '')}`,
      `${close ? `did you mean ${close}? ` : ''}see \`${command} --help\``,
    )
  }
}

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
