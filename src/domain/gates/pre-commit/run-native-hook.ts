import type { GitFacts, HookFile, HookOutcome } from './hook-types.ts'
import type { HookPlan } from './plan-hooks.ts'
import { failLanguage, parsePygrepArgs, pygrep } from './pygrep.ts'

/**
 * Runs a native plan on its files' content (the caller reads `plan.passFiles` from the index or
 * the work tree) with the hook's args; the files' order is the plan's.
 */
export function runNativeHook(
  plan: Extract<HookPlan, { kind: 'native' }>,
  files: readonly HookFile[],
  facts: GitFacts,
): HookOutcome {
  const { hook, implementation } = plan
  if (implementation === 'pygrep') return pygrep(hook.entry, files, parsePygrepArgs(hook.id, hook.args))
  if (implementation === 'fail')
    return failLanguage(
      hook.entry,
      files.map((f) => f.path),
    )
  return implementation.run(files, hook.args, facts)
}
