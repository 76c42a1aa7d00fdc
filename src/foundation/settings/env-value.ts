import type { SettingName } from './settings.ts'

/**
 * A setting read from the environment: `undefined` when the variable is unset, empty or blank
 * (`CODEX_LEDGER=` means "not set", like a shell's `${CODEX_LEDGER:-default}`), else the value as
 * given. The one place env values are read raw; settings code reads through it.
 */
export function envValue(name: SettingName, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[name]
  return value === undefined || value.trim() === '' ? undefined : value
}
