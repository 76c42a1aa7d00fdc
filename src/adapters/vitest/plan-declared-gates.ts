import { join } from 'node:path'
import { type ConfigGateEntry, configGates } from '../../domain/gates/config-gates.ts'
import { gateCachePath } from '../../domain/gates/result-cache.ts'
import { errorMessage } from '../../foundation/errors/user-error.ts'
import { envValue } from '../../foundation/settings/env-value.ts'
import { setting } from '../../foundation/settings/settings.ts'
import type { GatesSetup } from './gates-setup.ts'

/**
 * The gates the repository declares, planned for a gates run as `gates/commands.gate.ts` and
 * `codex-gates run` (in-process) both do: result cache unless CODEX_GATES_NO_CACHE, cache file
 * beside the root's ledger (CODEX_GATE_CACHE), command logs under CODEX_GATES_REPORTS (default
 * `<root>/reports`). Throws what configGates throws (a bad pattern in codex-gates.json).
 */
export function planDeclaredGates(
  setup: GatesSetup,
  env: NodeJS.ProcessEnv,
  sessionId: string | undefined,
): ConfigGateEntry[] {
  const { root, config, stage } = setup
  return configGates({
    root,
    config,
    stage,
    env,
    useCache: setting('CODEX_GATES_NO_CACHE', env) !== true,
    cachePath: gateCachePath(env, root),
    reportsDir: envValue('CODEX_GATES_REPORTS', env) ?? join(root, 'reports'),
    sessionId,
  })
}

/**
 * The declared gates `codex-gates run --gate` selected (CODEX_GATES_DECLARED, a JSON array of
 * names), or undefined for all of them. The gates project plans only these, as the in-process run
 * does: a name filter alone would record every other declared gate as a skipped test.
 */
export function declaredSelection(env: NodeJS.ProcessEnv): ReadonlySet<string> | undefined {
  const text = setting('CODEX_GATES_DECLARED', env)
  if (text === undefined) return undefined
  const names: unknown = JSON.parse(text)
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string'))
    throw new Error(`BUG: CODEX_GATES_DECLARED is not a JSON array of gate names: ${text}`)
  return new Set(names)
}

/** The name of the one failing test a planning failure becomes (not a collection error). */
export const PLAN_FAILED = 'configured gates'

/** A planning failure as the error of that test: the message and, when it has one, the fix. */
export function planFailure(error: unknown): Error {
  const hint = (error as { hint?: string }).hint
  return new Error(`${errorMessage(error)}${hint ? ` — fix: ${hint}` : ''}`)
}

/** The skipped test of a repository that declares none after all (a pre-commit config without hooks). */
export const NONE_DECLARED = 'no command gates in codex-gates.json and no .pre-commit-config.yaml hooks'
