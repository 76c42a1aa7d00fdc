import type { HookOutcome } from '../hook-types.ts'
import type { NativeHook } from '../native-hook.ts'

/**
 * Fails when the checked diff adds gitlinks (mode 160000) among `filenames` (all of them when the
 * hook gets no file names): `{path}: new submodule introduced` each, then upstream's advice.
 */
export function forbidNewSubmodules(filenames: readonly string[], addedSubmodules: readonly string[]): HookOutcome {
  const wanted = new Set(filenames)
  const found = addedSubmodules.filter((p) => filenames.length === 0 || wanted.has(p))
  const problems = found.map((path) => ({ path, message: `${path}: new submodule introduced` }))
  if (problems.length > 0) {
    problems.push({
      path: found[0] as string,
      message:
        'This commit introduces new submodules.\nDid you unintentionally `git add .`?\nTo fix: git rm {thesubmodule}  # no trailing slash\nAlso check .gitmodules',
    })
  }
  return { failed: found.length > 0, problems, fixes: new Map() }
}

export const forbidNewSubmodulesHook: NativeHook = {
  id: 'forbid-new-submodules',
  manifest: { name: 'forbid new submodules', entry: 'forbid-new-submodules', language: 'python', types: ['directory'] },
  run(files, _args, facts) {
    return forbidNewSubmodules(
      files.map((f) => f.path),
      facts.addedSubmodules ?? [],
    )
  },
}
