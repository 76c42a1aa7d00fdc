import { createRequire } from 'node:module'
import type { ErrorCode } from '../errors/error-codes.ts'
import { UserError } from '../errors/user-error.ts'

type Toml = typeof import('smol-toml')

const require = createRequire(import.meta.url)
let toml: Toml | undefined

/**
 * smol-toml's CommonJS build (one file), required on the first parse: its ESM build is nine
 * modules (~14 ms) that a warm `codex-gates run` importing the Python gates' key side never uses.
 */
function tomlLib(): Toml {
  toml ??= require('smol-toml') as Toml
  return toml
}

export type TomlTable = Record<string, unknown>

/** Where and why a TOML text does not parse: 1-based line (and column when known), one-line reason. */
export interface TomlSyntaxError {
  line: number
  column: number | undefined
  reason: string
}

/**
 * Parses TOML text into plain objects (smol-toml: TOML 1.0, exact errors with line and column),
 * or says where it is broken. For callers that report a broken file as a problem of the file
 * (python-deps) rather than as a user error (`parseTomlFile`). Only TOML syntax errors are
 * returned; anything else thrown is a bug and propagates.
 */
export function tryParseToml(text: string): { table: TomlTable } | { error: TomlSyntaxError } {
  const { parse, TomlError } = tomlLib()
  try {
    return { table: plain(parse(text)) as TomlTable }
  } catch (error) {
    if (!(error instanceof TomlError)) throw error
    const reason = error.message.split('\n')[0]?.replace(/^Invalid TOML document: /, '') || 'invalid TOML'
    return { error: { line: error.line || 1, column: error.column || undefined, reason } }
  }
}

/**
 * Parses a TOML file's text into plain objects. A syntax error is a UserError with `code`
 * naming the file and the place (`pyproject.toml:3:7 is not valid TOML: …`).
 */
export function parseTomlFile(text: string, shown: string, code: ErrorCode = 'PYTHON_CONFIG'): TomlTable {
  const parsed = tryParseToml(text)
  if ('table' in parsed) return parsed.table
  const { line, column, reason } = parsed.error
  const where = `:${line}${column ? `:${column}` : ''}`
  throw new UserError(code, `${shown}${where} is not valid TOML: ${reason}`, `fix the TOML syntax in ${shown}`)
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
