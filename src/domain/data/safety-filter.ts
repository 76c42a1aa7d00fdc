import { join } from 'node:path'
import type { ValidateFunction } from 'ajv'
import { UserError } from '../../foundation/errors/user-error.ts'
import { sha256Hex } from '../../foundation/json/canonical-json.ts'
import { setOwnKey } from '../../foundation/json/set-own-key.ts'
import { SECRET_PATTERNS } from '../../foundation/redact/secret-patterns.ts'
import { assertValid, createAjv, readJsonFile, SCHEMAS_DIR } from './schemas.ts'

/** The JSON Schema safety policies are validated against. */
export const SAFETY_POLICY_SCHEMA_PATH = join(SCHEMAS_DIR, 'safety-policy.schema.json')

export interface SafetyRuleJson {
  id: string
  description?: string
  action: 'redact' | 'drop'
  pattern?: string
  flags?: string
  builtin?: 'secrets'
  replacement?: string
}

export interface SafetyPolicyJson {
  version: 1
  rules: SafetyRuleJson[]
}

/** Per-rule counts: matches found and records touched (redacted or dropped). */
export interface RuleCounts {
  action: 'redact' | 'drop'
  matches: number
  records: number
}

interface CompiledPattern {
  re: RegExp
  /** Lowercase text that must occur for the pattern to match (a cheap pre-check), if any. */
  keyword?: string
}

interface CompiledRule {
  id: string
  action: 'redact' | 'drop'
  patterns: CompiledPattern[]
  replacement: string
}

/** What the filter did to one record. */
export type FilterOutcome = { action: 'keep'; value: unknown; changed: boolean } | { action: 'drop'; rule: string }

/**
 * A compiled safety policy. Rules run in file order over every string in a record (keys are
 * left alone); the first matching `drop` rule removes the record; `redact` rules replace each
 * match. `counts` accumulates per rule for the manifest.
 */
export class SafetyFilter {
  readonly path: string
  readonly sha256: string
  readonly counts: Record<string, RuleCounts> = {}
  private readonly rules: CompiledRule[]

  constructor(policy: SafetyPolicyJson, path: string, sha256: string) {
    this.path = path
    this.sha256 = sha256
    const ids = new Set<string>()
    this.rules = policy.rules.map((rule, i) => {
      if (ids.has(rule.id)) {
        throw new UserError(
          'SAFETY_POLICY',
          `${path}: rules[${i}].id "${rule.id}" is used twice`,
          'give each rule its own id',
        )
      }
      ids.add(rule.id)
      this.counts[rule.id] = { action: rule.action, matches: 0, records: 0 }
      return compileRule(rule, i, path)
    })
  }

  /** Applies the policy to one record. */
  apply(value: unknown): FilterOutcome {
    let current = value
    let changed = false
    for (const rule of this.rules) {
      if (!anyMatch(current, rule.patterns)) continue
      const counts = this.counts[rule.id] as RuleCounts
      counts.records++
      if (rule.action === 'drop') {
        counts.matches += countMatches(current, rule.patterns)
        return { action: 'drop', rule: rule.id }
      }
      current = mapStrings(current, (text) => {
        let out = text
        for (const { re } of rule.patterns) {
          re.lastIndex = 0
          out = out.replace(re, () => {
            counts.matches++
            return rule.replacement
          })
        }
        return out
      })
      changed = true
    }
    return { action: 'keep', value: current, changed }
  }
}

let compiled: ValidateFunction | undefined

/** Reads and validates a policy file (ajv + regex compilation), naming the file and rule in errors. */
export function loadSafetyPolicy(path: string): SafetyFilter {
  const { value, text } = readJsonFile(path, 'safety policy')
  if (!compiled) compiled = createAjv().compile(readJsonFile(SAFETY_POLICY_SCHEMA_PATH, 'schema').value as object)
  assertValid(compiled, value, path, `see ${SAFETY_POLICY_SCHEMA_PATH} for the fields`)
  return new SafetyFilter(value as SafetyPolicyJson, path, sha256Hex(text))
}

// --- internal ---

function compileRule(rule: SafetyRuleJson, index: number, path: string): CompiledRule {
  const replacement = rule.replacement ?? `[REDACTED:${rule.id}]`
  if (rule.builtin === 'secrets') {
    const patterns = SECRET_PATTERNS.map((p) => ({
      re: new RegExp(p.pattern.source, withGlobal(p.pattern.flags)),
      keyword: p.keyword.toLowerCase(),
    }))
    return { id: rule.id, action: rule.action, patterns, replacement }
  }
  try {
    return {
      id: rule.id,
      action: rule.action,
      patterns: [{ re: new RegExp(rule.pattern as string, withGlobal(rule.flags ?? '')) }],
      replacement,
    }
  } catch (error) {
    throw new UserError(
      'SAFETY_POLICY',
      `${path}: rules[${index}] (${rule.id}) pattern is not a valid regular expression: ${(error as Error).message}`,
      'write the pattern as JavaScript regex source, with backslashes doubled in JSON',
    )
  }
}

function withGlobal(flags: string): string {
  return flags.includes('g') ? flags : `${flags}g`
}

function anyMatch(value: unknown, patterns: CompiledPattern[]): boolean {
  let found = false
  forEachString(value, (text) => {
    if (found) return
    let lower: string | undefined
    for (const { re, keyword } of patterns) {
      if (keyword) {
        lower ??= text.toLowerCase()
        if (!lower.includes(keyword)) continue
      }
      re.lastIndex = 0
      if (re.test(text)) {
        found = true
        return
      }
    }
  })
  return found
}

function countMatches(value: unknown, patterns: CompiledPattern[]): number {
  let n = 0
  forEachString(value, (text) => {
    for (const { re } of patterns) {
      re.lastIndex = 0
      for (const _ of text.matchAll(re)) n++
    }
  })
  return n
}

function forEachString(value: unknown, visit: (text: string) => void): void {
  if (typeof value === 'string') visit(value)
  else if (Array.isArray(value)) for (const v of value) forEachString(v, visit)
  else if (value && typeof value === 'object') for (const v of Object.values(value)) forEachString(v, visit)
}

function mapStrings(value: unknown, fn: (text: string) => string): unknown {
  if (typeof value === 'string') return fn(value)
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn))
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) setOwnKey(out, k, mapStrings(v, fn))
    return out
  }
  return value
}
