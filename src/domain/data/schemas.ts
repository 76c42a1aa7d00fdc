import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv'
import { nearest } from '../../foundation/cli/nearest.ts'
import { newAjv } from '../../foundation/config/new-ajv.ts'
import { UserError } from '../../foundation/errors/user-error.ts'
import { PACKAGE_ROOT } from '../../foundation/fs/package-root.ts'
import { sha256Hex } from '../../foundation/json/canonical-json.ts'

/** `configs/schemas` of this checkout, found from this file (independent of the working directory). */
export const SCHEMAS_DIR = `${join(PACKAGE_ROOT, 'configs', 'schemas')}/`
/** Where record schemas live: `<id>.schema.json`. */
export const RECORD_SCHEMAS_DIR = join(SCHEMAS_DIR, 'records')

/** An ajv instance as every loader here uses it: all errors reported, strict about schemas. */
export function createAjv(): Ajv {
  return newAjv({
    allErrors: true,
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
    discriminator: true,
    verbose: true,
  })
}

/** A JSON file parsed, or a UserError naming the file and what is wrong. */
export function readJsonFile(path: string, what: string): { value: unknown; text: string } {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new UserError(
      'CONFIG_FILE',
      `cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code}`,
      'check the path',
    )
  }
  try {
    return { value: JSON.parse(text), text }
  } catch (error) {
    throw new UserError('CONFIG_JSON', `${path}: not valid JSON (${(error as Error).message})`, `fix the ${what} file`)
  }
}

/** Validates `value` with `validate`, throwing a UserError that lists every `path field: message`. */
export function assertValid(validate: ValidateFunction, value: unknown, where: string, hint: string): void {
  if (validate(value)) return
  const problems = (validate.errors ?? []).map(formatAjvError)
  throw new UserError('CONFIG_INVALID', `${where}: ${[...new Set(problems)].join('; ')}`, hint)
}

/** `<field>: <message>` for one ajv error, naming the missing or unexpected property. */
export function formatAjvError(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>
  if (error.keyword === 'required') return `${error.instancePath || '/'} must have "${params.missingProperty}"`
  if (error.keyword === 'additionalProperties') {
    return `${error.instancePath}/${params.additionalProperty}: unknown field`
  }
  if (error.keyword === 'discriminator' && typeof params.tag === 'string') {
    const branches = (
      (error.parentSchema as { oneOf?: { properties?: Record<string, { const?: unknown }> }[] })?.oneOf ?? []
    )
      .map((b) => b.properties?.[params.tag as string]?.const)
      .filter((v) => v !== undefined)
    const got = (error.data as Record<string, unknown> | undefined)?.[params.tag]
    return `${error.instancePath}/${params.tag} must be one of ${branches.map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(got)}`
  }
  if (error.keyword === 'enum' || error.keyword === 'const') {
    const allowed = (params.allowedValues as unknown[] | undefined) ?? [params.allowedValue]
    return `${error.instancePath || '/'} must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`
  }
  return `${error.instancePath || '/'} ${error.message ?? error.keyword}`
}

/** A compiled record schema and its identity for the manifest. */
export interface RecordSchema {
  id: string
  path: string
  sha256: string
  validate: ValidateFunction
}

/** Loads `configs/schemas/records/<id>.schema.json`; an unknown id names the nearest one. */
export function loadRecordSchema(id: string, dir: string = RECORD_SCHEMAS_DIR): RecordSchema {
  const available = listRecordSchemas(dir)
  if (!available.includes(id)) {
    const close = nearest(id, available)
    throw new UserError(
      'DATA_SCHEMA_UNKNOWN',
      `no record schema "${id}" in ${dir}`,
      `${close ? `did you mean ${close}? ` : ''}available: ${available.join(', ') || '(none)'}`,
    )
  }
  const path = resolve(dir, `${id}.schema.json`)
  const { value, text } = readJsonFile(path, 'record schema')
  let validate: ValidateFunction
  try {
    validate = createAjv().compile(value as object)
  } catch (error) {
    throw new UserError('DATA_SCHEMA_INVALID', `${path}: not a valid JSON Schema (${(error as Error).message})`)
  }
  return { id, path, sha256: sha256Hex(text), validate }
}

/** Ids of the record schemas in `dir`. */
export function listRecordSchemas(dir: string = RECORD_SCHEMAS_DIR): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.schema.json'))
      .map((f) => f.slice(0, -'.schema.json'.length))
      .sort()
  } catch {
    return []
  }
}
