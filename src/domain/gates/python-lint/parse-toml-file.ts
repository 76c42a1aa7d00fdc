import { parse } from 'smol-toml'
import type { ErrorCode } from '../../../foundation/errors/error-codes.ts'
import { UserError } from '../../../foundation/errors/user-error.ts'

export type TomlTable = Record<string, unknown>

/**
 * Parses a TOML file's text into plain objects (smol-toml: TOML 1.0, exact errors with line and
 * column). A syntax error is a UserError naming the file and the place.
 */
export function parseTomlFile(text: string, shown: string, code: ErrorCode = 'PYTHON_CONFIG'): TomlTable {
  try {
    return plain(parse(text)) as TomlTable
  } catch (error) {
    const e = error as Error & { line?: number; column?: number }
    const where = e.line ? `:${e.line}${e.column ? `:${e.column}` : ''}` : ''
    const reason = e.message.split('\n')[0]?.replace(/^Invalid TOML document: /, '') ?? 'invalid TOML'
    throw new UserError(code, `${shown}${where} is not valid TOML: ${reason}`, `fix the TOML syntax in ${shown}`)
  }
}

/** `table[a][b]…` when every step is a table; undefined otherwise. */
export function tomlPath(table: TomlTable, ...keys: string[]): unknown {
  let current: unknown = table
  for (const key of keys) {
    if (!isTable(current) || !Object.hasOwn(current, key)) return undefined
    current = current[key]
  }
  return current
}

/** True for a TOML table (a plain object, not an array or a date). */
export function isTable(value: unknown): value is TomlTable {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)
}

// --- internal ---

/** smol-toml returns null-prototype objects; copies with ordinary prototypes keep `__proto__` keys own. */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain)
  if (!isTable(value)) return value
  const out: TomlTable = {}
  for (const [k, v] of Object.entries(value))
    Object.defineProperty(out, k, { value: plain(v), enumerable: true, writable: true, configurable: true })
  return out
}
