import type { TestProjectInlineConfiguration } from 'vitest/config'
import { cellDependency, cellName } from '../../domain/drift/drift-cells.ts'
import { loadDriftConfig } from '../../domain/drift/drift-config.ts'
import { parseWithout } from '../../foundation/optional/without-hook.mjs'
import { envValue } from '../../foundation/settings/env-value.ts'

export { cellDependency, cellName }

/** The variable that selects what the hook hides: a comma-separated list of package names. */
export const DRIFT_ENV = 'CODEX_DRIFT_WITHOUT'

/** `node --import` entry that installs the hook when DRIFT_ENV is set. */
export const REGISTER_URL = new URL('../../foundation/optional/register-without.mjs', import.meta.url).href

/**
 * Environment that hides `dependencies` from a process and every process it starts: DRIFT_ENV
 * plus the hook's `--import` in NODE_OPTIONS (kept once, after whatever NODE_OPTIONS held).
 */
export function hiddenEnv(dependencies: readonly string[], env: NodeJS.ProcessEnv = process.env) {
  const flag = `--import=${REGISTER_URL}`
  const current = envValue('NODE_OPTIONS', env) ?? ''
  return {
    [DRIFT_ENV]: dependencies.join(','),
    NODE_OPTIONS: current.includes(flag) ? current : `${current} ${flag}`.trim(),
  }
}

/** `env` without the hook: DRIFT_ENV removed and the hook's `--import` taken out of NODE_OPTIONS. */
export function unhiddenEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const { [DRIFT_ENV]: _hidden, ...rest } = env
  const options = (envValue('NODE_OPTIONS', env) ?? '').replace(`--import=${REGISTER_URL}`, '').trim()
  if (options) rest.NODE_OPTIONS = options
  else delete rest.NODE_OPTIONS
  return rest
}

/** The packages the hook hides in this process (empty outside the drift cells). */
export function hiddenHere(env: NodeJS.ProcessEnv = process.env): string[] {
  return parseWithout(env[DRIFT_ENV])
}

export interface DriftProjectOptions {
  /** Environment every spec process gets (the workspace's `specEnv`). */
  env: Record<string, string>
  testTimeout?: number
  hookTimeout?: number
}

/**
 * One Vitest project per cell of configs/drift.json: its specs run with the dependency made
 * unresolvable by the `module.register` hook, selected through the environment (so spawned
 * CLIs and fixture runs inherit it).
 */
export function driftProjects(root: string, options: DriftProjectOptions): TestProjectInlineConfiguration[] {
  return loadDriftConfig(root).map((cell) => ({
    test: {
      name: cellName(cell.without),
      include: cell.specs,
      exclude: ['specs/fixtures/**', 'node_modules/**'],
      env: { ...options.env, ...hiddenEnv([cell.without]) },
      testTimeout: options.testTimeout ?? 30_000,
      hookTimeout: options.hookTimeout ?? 60_000,
    },
  }))
}
