import { readFileSync } from 'node:fs'
import { relative } from 'node:path'
import type { ErrorObject, ValidateFunction } from 'ajv'
import { nearest } from '../cli/nearest.ts'
import type { ErrorCode } from '../errors/error-codes.ts'
import { UserError } from '../errors/user-error.ts'
import { newAjv } from './new-ajv.ts'
import { validateOnce } from './validation-memo.ts'

/**
 * Reads a JSON config file and validates it against its JSON Schema. Bad JSON or a schema
 * violation → UserError(`code`) naming the file, the JSON path and the fix.
 */
export function readJsonConfig<T>(path: string, schemaPath: string, code: ErrorCode): T {
  const shown = displayPath(path)
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new UserError(code, `cannot read ${shown}: ${(error as Error).message}`, 'restore it from git')
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new UserError(
      code,
      `${shown} is not valid JSON: ${(error as Error).message}`,
      `fix the JSON syntax in ${shown}`,
    )
  }
  validateOnce(schemaPath, value, () => {
    const validate = validator(schemaPath)
    if (!validate(value)) throw schemaError(shown, displayPath(schemaPath), code, validate.errors ?? [])
  })
  return value as T
}

// --- internal ---

const validators = new Map<string, ValidateFunction>()

function validator(schemaPath: string): ValidateFunction {
  let validate = validators.get(schemaPath)
  if (!validate) {
    validate = newAjv({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(schemaPath, 'utf8')))
    validators.set(schemaPath, validate)
  }
  return validate
}

function schemaError(shown: string, schema: string, code: ErrorCode, errors: ErrorObject[]): UserError {
  const first = errors[0]
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : ''
  if (!first) return new UserError(code, `${shown} is invalid`, `see ${schema}`)
  const at = first.instancePath || '/'
  if (first.keyword === 'additionalProperties') {
    const key = String((first.params as { additionalProperty: string }).additionalProperty)
    const properties = (first.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties
    const allowed = Object.keys(properties ?? {}).filter((k) => k !== '$schema')
    const close = nearest(key, allowed)
    return new UserError(
      code,
      `${shown}: ${at === '/' ? '' : at}/${key} is not a known setting${more}`,
      `${close ? `did you mean "${close}"? ` : ''}allowed here: ${allowed.join(', ')} (schema: ${schema})`,
    )
  }
  return new UserError(
    code,
    `${shown}: ${at} ${first.message ?? 'is invalid'}${more}`,
    `fix the value at ${at} (schema: ${schema})`,
  )
}

function displayPath(path: string): string {
  const rel = relative(process.cwd(), path)
  return rel.startsWith('..') ? path : rel
}
