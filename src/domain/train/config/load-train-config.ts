import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename, dirname, join, relative } from 'node:path'
import type { ErrorObject, ValidateFunction } from 'ajv'
import { nearest } from '../../../foundation/cli/nearest.ts'
import { newAjv } from '../../../foundation/config/new-ajv.ts'
import { UserError } from '../../../foundation/errors/user-error.ts'
import { PACKAGE_ROOT } from '../../../foundation/fs/package-root.ts'
import { LORA_DEFAULTS } from '../model/lora.ts'
import { configHash, TRAIN_DEFAULTS, type TrainConfig } from './train-config.ts'

/** The JSON Schema every training config is validated against. */
export const TRAIN_SCHEMA_PATH = join(PACKAGE_ROOT, 'configs', 'schemas', 'train.schema.json')

export interface LoadedTrainConfig {
  /** Defaults, then the file, then `--set`, then flags. */
  config: TrainConfig
  /** The config's name: its file name without `.json`. */
  name: string
  /** The file as given. */
  path: string
  /** sha256 of the settings that determine the numbers (see `configHash`). */
  hash: string
}

type JsonProperty = { type?: string; enum?: unknown[]; items?: { enum?: unknown[] } }
type JsonSchema = { properties: Record<string, JsonProperty & { properties?: Record<string, JsonProperty> }> }

let compiled: { validate: ValidateFunction; schema: JsonSchema } | undefined

function schema(): { validate: ValidateFunction; schema: JsonSchema } {
  if (!compiled) {
    const json = JSON.parse(readFileSync(TRAIN_SCHEMA_PATH, 'utf8')) as JsonSchema
    compiled = { validate: newAjv({ allErrors: true, strict: true }).compile(json), schema: json }
  }
  return compiled
}

/** Every key a training config may hold. */
export function trainConfigKeys(): string[] {
  return Object.keys(schema().schema.properties).filter((k) => k !== '$schema')
}

/** The fields of an object-valued section (e.g. `lora`), for `--set lora.r=4`; empty for other keys. */
export function sectionKeys(section: string): string[] {
  return Object.keys(schema().schema.properties[section]?.properties ?? {})
}

/**
 * Reads a training config: JSON, no unknown keys (the error names the nearest valid one),
 * `--set key=value` overrides typed by the schema, ajv validation naming the field and where
 * its value came from, then cross-field checks. `flags` (e.g. `--seed`) apply last.
 */
export function loadTrainConfig(
  path: string,
  sets: readonly string[] = [],
  flags: Partial<TrainConfig> = {},
): LoadedTrainConfig {
  if (!existsSync(path)) {
    const dir = dirname(path)
    const available = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : []
    throw new UserError(
      'CONFIG_NOT_FOUND',
      `config file ${path} does not exist`,
      available.length > 0
        ? `configs in ${dir}/: ${available.join(', ')}`
        : 'pass one of configs/train/*.json, e.g. --config configs/train/gpt-tiny.json',
    )
  }
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new UserError('CONFIG_JSON', `${path} is not valid JSON: ${(error as Error).message}`, 'fix the JSON syntax')
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new UserError('CONFIG_SHAPE', `${path} must hold a JSON object of settings`, 'e.g. {"n_layer": 2}')
  }
  const origin = new Map<string, string>()
  const values: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(raw)) {
    checkKnown(key, path)
    values[key] = value
    origin.set(key, path)
  }
  for (const entry of sets) {
    const [key, value] = parseSet(entry)
    const dot = key.indexOf('.')
    if (dot > 0) {
      // `--set lora.r=4`: one field of a section; the section's other fields stay as given
      const section = key.slice(0, dot)
      const current = values[section]
      const base = current && typeof current === 'object' && !Array.isArray(current) ? current : {}
      values[section] = { ...base, [key.slice(dot + 1)]: value }
      origin.set(section, `--set ${entry}`)
      continue
    }
    values[key] = value
    origin.set(key, `--set ${entry}`)
  }
  for (const [key, value] of Object.entries(flags)) {
    if (value === undefined) continue
    values[key] = value
    origin.set(key, `--${key.replace(/_/g, '-')}`)
  }
  validate(values, origin, path)
  delete values.$schema
  if (values.lora) values.lora = { ...LORA_DEFAULTS, ...(values.lora as object) }
  const config = { ...TRAIN_DEFAULTS, ...values } as TrainConfig
  checkCrossFields(config, (key) => origin.get(key) ?? 'the defaults')
  return { config, name: basename(path).replace(/\.json$/, ''), path, hash: configHash(config) }
}

/** Parses `key=value`, typing the value by the schema (integer, number, boolean, enum, string). */
export function parseSet(entry: string): [string, unknown] {
  const eq = entry.indexOf('=')
  if (eq <= 0) {
    throw new UserError('CONFIG_SET', `--set ${entry}: expected key=value`, 'e.g. --set n_layer=4')
  }
  const key = entry.slice(0, eq).trim()
  const text = entry.slice(eq + 1).trim()
  checkKnown(key, '--set')
  const prop = propertyOf(key)
  const fail = (expected: string): never => {
    throw new UserError('CONFIG_SET', `--set ${entry}: ${key} must be ${expected}`, `e.g. --set ${key}=${example(key)}`)
  }
  if (prop.type === 'integer') {
    const n = Number(text)
    return Number.isInteger(n) && text !== '' ? [key, n] : fail('an integer')
  }
  if (prop.type === 'number') {
    const n = Number(text)
    return Number.isFinite(n) && text !== '' ? [key, n] : fail('a number')
  }
  if (prop.type === 'boolean') {
    if (text === 'true' || text === 'false') return [key, text === 'true']
    return fail('true or false')
  }
  if (prop.enum && !prop.enum.includes(text)) return fail(`one of ${prop.enum.join(', ')}`)
  if (prop.type === 'array') {
    // a comma-separated list: `--set lora.target_modules=c_attn,c_proj`
    const items = text
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean)
    const allowed = prop.items?.enum
    const bad = items.find((t) => allowed && !allowed.includes(t))
    if (items.length === 0 || bad !== undefined) return fail(`a comma-separated list of ${allowed?.join(', ')}`)
    return [key, items]
  }
  return [key, text]
}

// --- internal ---

/** The schema of `key`, or of one field of a section for `section.field`. */
function propertyOf(key: string): JsonProperty {
  const dot = key.indexOf('.')
  if (dot < 0) return schema().schema.properties[key] ?? {}
  return schema().schema.properties[key.slice(0, dot)]?.properties?.[key.slice(dot + 1)] ?? {}
}

function checkKnown(key: string, where: string): void {
  const keys = [...trainConfigKeys(), '$schema']
  if (keys.includes(key)) return
  const dot = key.indexOf('.')
  const fields = dot > 0 ? sectionKeys(key.slice(0, dot)).map((f) => `${key.slice(0, dot)}.${f}`) : []
  if (fields.includes(key)) return
  const close = nearest(key, [...trainConfigKeys(), ...fields])
  throw new UserError(
    'CONFIG_UNKNOWN_KEY',
    `${where}: unknown key "${key}"`,
    `${close ? `did you mean "${close}"? ` : ''}valid keys are in ${relative(process.cwd(), TRAIN_SCHEMA_PATH)}`,
  )
}

function example(key: string): string {
  const dot = key.indexOf('.')
  const value =
    dot > 0
      ? (LORA_DEFAULTS as unknown as Record<string, unknown>)[key.slice(dot + 1)]
      : (TRAIN_DEFAULTS as Record<string, unknown>)[key]
  return value === undefined ? 'value' : String(value)
}

function validate(values: Record<string, unknown>, origin: Map<string, string>, path: string): void {
  const { validate: check } = schema()
  if (check(values)) return
  const errors = (check.errors ?? []) as ErrorObject[]
  const first = errors[0] as ErrorObject
  const key = first.instancePath.replace(/^\//, '').split('/')[0] ?? ''
  const where = origin.get(key) ?? path
  const text = errors
    .map((e) => {
      const field = e.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(config)'
      const allowed = (e.params as { allowedValues?: unknown[] }).allowedValues
      const detail = allowed ? `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}` : e.message
      const got = field === '(config)' ? undefined : field.split('.').reduce<unknown>(at, values)
      return `${field} ${detail} (got ${JSON.stringify(got)})`
    })
    .join('; ')
  throw new UserError('CONFIG_INVALID', `${where}: ${text}`, `see ${relative(process.cwd(), TRAIN_SCHEMA_PATH)}`)
}

/** `value[key]` for a JSON object or array, else undefined (walks a validation error's path). */
function at(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined
}

function checkCrossFields(c: TrainConfig, from: (key: string) => string): void {
  const fail = (key: string, message: string, hint: string): never => {
    throw new UserError('CONFIG_INVALID', `${from(key)}: ${message}`, hint)
  }
  if (c.n_embd % c.n_head !== 0) {
    fail('n_embd', `n_embd ${c.n_embd} is not divisible by n_head ${c.n_head}`, 'pick n_embd as a multiple of n_head')
  }
  if (c.min_lr > c.learning_rate) {
    fail('min_lr', `min_lr ${c.min_lr} exceeds learning_rate ${c.learning_rate}`, 'the cosine decays down to min_lr')
  }
  if (c.decay_lr && c.lr_decay_iters < c.warmup_iters) {
    fail(
      'lr_decay_iters',
      `lr_decay_iters ${c.lr_decay_iters} is before the end of warmup (${c.warmup_iters})`,
      'set lr_decay_iters ≥ warmup_iters (nanoGPT uses max_iters)',
    )
  }
}
