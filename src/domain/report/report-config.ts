import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../../foundation/errors/user-error.ts'
import { envValue } from '../../foundation/settings/env-value.ts'

/** Renders kept under `reports/history/` when nothing says otherwise. */
export const DEFAULT_HISTORY_KEEP = 20

/** The optional config file: `{ "historyKeep": <renders to keep> }`. */
export const REPORTS_CONFIG = join('configs', 'reports.json')

/**
 * How many older renders `reports/history/` keeps: the explicit value (`--keep`), else
 * `CODEX_REPORTS_KEEP`, else `historyKeep` in configs/reports.json, else 20.
 */
export function resolveHistoryKeep(
  explicit: number | undefined,
  env: NodeJS.ProcessEnv = process.env,
  configPath: string = REPORTS_CONFIG,
): number {
  if (explicit !== undefined) return checkKeep(explicit, '--keep')
  const fromEnv = envValue('CODEX_REPORTS_KEEP', env)
  if (fromEnv !== undefined) {
    return checkKeep(Number(fromEnv), 'CODEX_REPORTS_KEEP', fromEnv)
  }
  if (existsSync(configPath)) {
    let config: unknown
    try {
      config = JSON.parse(readFileSync(configPath, 'utf8'))
    } catch (error) {
      throw new UserError(
        'REPORTS_CONFIG',
        `${configPath} is not valid JSON: ${(error as Error).message}`,
        'fix the file or delete it',
      )
    }
    if (config && typeof config === 'object' && 'historyKeep' in config) {
      return checkKeep((config as { historyKeep: unknown }).historyKeep, `${configPath} historyKeep`)
    }
  }
  return DEFAULT_HISTORY_KEEP
}

function checkKeep(value: unknown, source: string, raw: unknown = value): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value
  throw new UserError(
    'BAD_HISTORY_KEEP',
    `${source} must be a non-negative integer (renders kept in reports/history/), got ${JSON.stringify(raw)}`,
    `e.g. ${source.startsWith('--') ? `${source} 20` : source.includes('historyKeep') ? '{ "historyKeep": 20 }' : `${source}=20`}`,
  )
}
