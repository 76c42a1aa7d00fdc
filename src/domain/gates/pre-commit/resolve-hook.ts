import { UserError } from '../../../foundation/errors/user-error.ts'
import { type ConfigHook, HOOK_DEFAULTS, type HookFields, type PreCommitConfig } from './read-pre-commit-config.ts'

/** A hook with every field settled: manifest defaults, then the config's overrides, then stages. */
export interface ResolvedHook extends HookFields {
  repo: string
  id: string
  /** 1-based line of the hook in the config. */
  line: number
}

/** A hook's manifest entry (`.pre-commit-hooks.yaml` of its repository): name, entry and language at least. */
export type HookManifest = Partial<HookFields> & Pick<HookFields, 'name' | 'entry' | 'language'>

/**
 * Merges as pre-commit's `_hook` does: defaults ← manifest ← config overrides; a hook with no
 * stages runs in the config's `default_stages`. Local and meta hooks are their own manifest.
 */
export function resolveHook(
  hook: ConfigHook,
  manifest: HookManifest | undefined,
  config: PreCommitConfig,
): ResolvedHook {
  const base = manifest ?? (hook.fields as Partial<HookFields>)
  if (base.name === undefined || base.entry === undefined || base.language === undefined) {
    throw new UserError(
      'PRE_COMMIT_CONFIG',
      `${config.file}:${hook.line}: hook ${hook.id} (repo ${hook.repo}): no manifest is known for it`,
      'map it to a command in codex-gates.json, or use a `repo: local` hook',
    )
  }
  const merged: HookFields = {
    ...HOOK_DEFAULTS,
    ...(base as HookFields),
    ...hook.fields,
  }
  if (merged.stages.length === 0) merged.stages = [...config.default_stages]
  return { ...merged, repo: hook.repo, id: hook.id, line: hook.line }
}
