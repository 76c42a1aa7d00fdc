import { mkdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { PACKAGE_ROOT } from '../fs/package-root.ts'
import { writeFileAtomic } from '../fs/write-file-atomic.ts'
import { nodeCrypto } from '../lazy/node-crypto.ts'
import { envValue } from '../settings/env-value.ts'
import { setting } from '../settings/settings.ts'

/** Where passed validations are remembered (hashes only); `CODEX_VALIDATION_MEMO` overrides. */
export function validationMemoPath(env: NodeJS.ProcessEnv = process.env): string {
  return envValue('CODEX_VALIDATION_MEMO', env) ?? join(PACKAGE_ROOT, '.codex', 'validated-configs.json')
}

/** Keys kept: newest last; older ones drop out. */
const MAX_KEYS = 256

let memo: { path: string; keys: string[] } | undefined

/**
 * Runs `check` (which throws on an invalid value) unless this exact config value already passed
 * this exact schema (same schema file bytes, same ajv version): compiling a schema with ajv costs
 * 20–60 ms in every process that loads a config (each Vitest run loads three), while configs
 * rarely change. Only passes are remembered, so a bad config is always validated and reported.
 * Inside specs (`CODEX_LEDGER_SPEC_GUARD=1`) nothing is read or written unless
 * `CODEX_VALIDATION_MEMO` names a file: ajv always runs.
 */
export function validateOnce(schemaPath: string, value: unknown, check: () => void): void {
  const key = memoKey(schemaPath, value)
  const known = key ? load() : undefined
  if (key && known?.keys.includes(key)) return
  check()
  if (!key || !known) return
  known.keys = [...known.keys.filter((k) => k !== key), key].slice(-MAX_KEYS)
  try {
    mkdirSync(dirname(known.path), { recursive: true })
    writeFileAtomic(known.path, `${JSON.stringify({ version: 1, keys: known.keys })}\n`)
  } catch {
    // a read-only checkout: validation simply runs every time
  }
}

/** sha256 of (ajv version, schema bytes, value); none inside specs or where the schema is unreadable. */
function memoKey(schemaPath: string, value: unknown): string | undefined {
  if (setting('CODEX_LEDGER_SPEC_GUARD') === true && !envValue('CODEX_VALIDATION_MEMO')) return undefined
  try {
    return nodeCrypto()
      .createHash('sha256')
      .update(`${ajvVersion()}\0${readFileSync(schemaPath, 'utf8')}\0${JSON.stringify(value)}`)
      .digest('hex')
  } catch {
    return undefined // check() reports the unreadable schema
  }
}

function load(): { path: string; keys: string[] } {
  const path = validationMemoPath()
  if (memo?.path === path) return memo
  let keys: string[] = []
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { version?: number; keys?: unknown }
    if (parsed.version === 1 && Array.isArray(parsed.keys)) keys = parsed.keys.filter((k) => typeof k === 'string')
  } catch {
    // missing or unreadable: start empty
  }
  memo = { path, keys }
  return memo
}

function ajvVersion(): string {
  return (createRequire(import.meta.url)('ajv/package.json') as { version: string }).version
}

/** The memo as it is in this process (specs). */
export function forgetValidationMemo(): void {
  memo = undefined
}
