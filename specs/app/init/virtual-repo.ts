// A repository as a map of path → text, for planning specs: detect, plan, apply, plan again.
import { detectRepository, type HookSettings, type RepositoryFacts } from '../../../src/app/init/detect-repository.ts'
import type { FileChange } from '../../../src/app/init/file-change.ts'

export const NO_HOOKS: HookSettings = { gitHooksDir: '.git/hooks', gitHooks: {}, localHooks: {}, huskyInstalled: false }

export function factsOf(
  files: Record<string, string>,
  hooks: Partial<HookSettings> = {},
  name = 'repo',
): RepositoryFacts {
  return detectRepository({
    name,
    files: Object.keys(files).filter((f) => !f.startsWith('.git/')),
    read: (path) => files[path],
    hooks: { ...NO_HOOKS, ...hooks },
  })
}

/** The files after the changes, and the hook settings husky would leave. */
export function applied(
  files: Record<string, string>,
  changes: readonly FileChange[],
  hooks: Partial<HookSettings>,
  ranHusky: boolean,
): { files: Record<string, string>; hooks: Partial<HookSettings> } {
  const next = { ...files }
  for (const c of changes) next[c.path] = c.content
  const gitHooks: Record<string, string> = { ...(hooks.gitHooks ?? {}) }
  const localHooks: Record<string, string> = { ...(hooks.localHooks ?? {}) }
  for (const c of changes) {
    if (c.path.startsWith('.git/hooks/')) gitHooks[c.path.slice('.git/hooks/'.length)] = c.content
    const local = hooks.localHooksPath
    if (local && c.path.startsWith(`${local}/`)) localHooks[c.path.slice(local.length + 1)] = c.content
  }
  const after = ranHusky ? { localHooksPath: '.husky/_', huskyInstalled: true } : {}
  return { files: next, hooks: { ...hooks, gitHooks, localHooks, ...after } }
}
