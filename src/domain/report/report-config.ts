import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../../foundation/errors/user-error.ts'
import { envValue } from '../../foundation/settings/env-value.ts'
import { gatesConfigPath } from '../gates/gates-config.ts'

/** Renders kept under `reports/history/` when nothing says otherwise. */
export const DEFAULT_HISTORY_KEEP = 20

/** The optional config file: `{ "historyKeep": <renders to keep> }`. */
export const REPORTS_CONFIG = join('configs', 'reports.json')

/**
 * How many older renders `reports/history/` keeps: the explicit value (`--keep`), else
 * `CODEX_REPORTS_KEEP`, else `reports.historyKeep` in the repository's codex-gates.json, else
 * `historyKeep` in configs/reports.json (the older file), else 20.
 */
export function resolveHistoryKeep(
  explicit: number | undefined,
  env: NodeJS.ProcessEnv = process.env,
  configPath: string = REPORTS_CONFIG,
  root: string = process.cwd(),
): number {
  if (explicit !== undefined) return checkKeep(explicit, '--keep')
  const fromEnv = envValue('CODEX_REPORTS_KEEP', env)
  if (fromEnv !== undefined) {
    return checkKeep(Number(fromEnv), 'CODEX_REPORTS_KEEP', fromEnv)
  }
  const gatesConfig = gatesConfigPath(root, env)
  const reports = gatesConfig ? readJsonObject(gatesConfig).reports : undefined
  if (reports && typeof reports === 'object' && 'historyKeep' in reports) {
    return checkKeep((reports as { historyKeep: unknown }).historyKeep, `${gatesConfig} reports.historyKeep`)
  }
  const config = existsSync(configPath) ? readJsonObject(configPath) : {}
  if ('historyKeep' in config) return checkKeep(config.historyKeep, `${configPath} historyKeep`)
  return DEFAULT_HISTORY_KEEP
}

function readJsonObject(path: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new UserError('REPORTS_CONFIG', `${path} is not valid JSON: ${(error as Error).message}`, 'fix the file')
  }
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}

function checkKeep(value: unknown, source: string, raw: unknown = value): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value
  throw new UserError(
    'BAD_HISTORY_KEEP',
    `${source} must be a non-negative integer (renders kept in reports/history/), got ${JSON.stringify(raw)}`,
    `e.g. ${keepExample(source)}`,
  )
}

function keepExample(source: string): string {
  if (source.startsWith('--')) return `${source} 20`
  if (source.endsWith('reports.historyKeep')) return '"reports": { "historyKeep": 20 }'
  if (source.endsWith('historyKeep')) return '{ "historyKeep": 20 }'
  return `${source}=20`
}
