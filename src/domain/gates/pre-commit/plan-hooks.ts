import { TOOL_HOOKS } from './known-tool-hooks.ts'
import type { NativeHook } from './native-hook.ts'
import { nativeHookFor, repoKey } from './native-hooks.ts'
import type { PreCommitConfig } from './read-pre-commit-config.ts'
import { type ResolvedHook, resolveHook } from './resolve-hook.ts'
import { selectFiles } from './select-files.ts'
import { splitHookEntry } from './split-entry.ts'

/** How one configured hook will run. */
export type HookPlan =
  | {
      kind: 'native'
      hook: ResolvedHook
      /** pre-commit-hooks' native implementation, or a local `pygrep` / `fail` hook. */
      implementation: NativeHook | 'pygrep' | 'fail'
      /** The selected files (pre-commit's Classifier). */
      files: string[]
      /** The files the hook gets: none when `pass_filenames: false`. */
      passFiles: string[]
      /** pre-commit would print "(no files to check) Skipped": no files and not always_run. */
      noFiles: boolean
    }
  | {
      kind: 'command'
      hook: ResolvedHook
      /** `shlex.split(entry) + args`; the files follow (xargs-style batches are the runner's). */
      argv: string[]
      files: string[]
      passFiles: string[]
      noFiles: boolean
    }
  | { kind: 'skipped'; repo: string; id: string; line: number; reason: string }

export interface PlanInput {
  config: PreCommitConfig
  /** Repo-relative POSIX paths of the files in play (staged, or all with --all-files), existing ones only. */
  paths: readonly string[]
  /** identify tags of a path (see tagsFromPath). */
  tagsOf: (path: string) => ReadonlySet<string>
  /** The stage being run, e.g. `pre-commit`, `pre-push`, `manual`. */
  stage: string
  /** Whether a command is on PATH; the planner never installs or downloads anything. */
  onPath: (tool: string) => boolean
}

/**
 * Plans every hook of the config for one stage, in config order (hooks not in that stage are left
 * out, as pre-commit leaves them out): native for pre-commit-hooks' supported hooks and local
 * `pygrep`/`fail` hooks; command for local `system`/`script` hooks and for known remote tool hooks
 * whose tool is on PATH; skipped with a reason for everything else.
 */
export function planHooks(input: PlanInput): HookPlan[] {
  const { config } = input
  const plans: HookPlan[] = []
  for (const hook of config.hooks) {
    const skip = (reason: string): HookPlan => ({
      kind: 'skipped',
      repo: hook.repo,
      id: hook.id,
      line: hook.line,
      reason,
    })
    const entryOf = (resolved: ResolvedHook) =>
      splitHookEntry(resolved.entry, { file: config.file, line: hook.line, id: hook.id, repo: hook.repo })
    const argvOf = (resolved: ResolvedHook) => [...entryOf(resolved), ...resolved.args]
    if (hook.repo === 'meta') {
      plans.push(skip(`hook ${hook.id} (repo meta) is a pre-commit meta hook: not run natively`))
      continue
    }
    if (hook.repo === 'local') {
      const resolved = resolveHook(hook, undefined, config)
      if (!resolved.stages.includes(input.stage)) continue
      const lang = resolved.language
      if (lang === 'pygrep' || lang === 'fail') {
        plans.push({ kind: 'native', hook: resolved, implementation: lang, ...selection(resolved, input) })
      } else if (lang === 'unsupported' || lang === 'unsupported_script') {
        plans.push({
          kind: 'command',
          hook: resolved,
          argv: argvOf(resolved),
          ...selection(resolved, input),
        })
      } else {
        const tool = entryOf(resolved)[0] ?? resolved.id
        if (input.onPath(tool)) {
          plans.push({
            kind: 'command',
            hook: resolved,
            argv: argvOf(resolved),
            ...selection(resolved, input),
          })
        } else {
          plans.push(skip(needs(hook.id, hook.repo, tool)))
        }
      }
      continue
    }
    const native = nativeHookFor(hook.repo, hook.id)
    if (native) {
      const resolved = resolveHook(hook, native.manifest, config)
      if (!resolved.stages.includes(input.stage)) continue
      plans.push({ kind: 'native', hook: resolved, implementation: native, ...selection(resolved, input) })
      continue
    }
    const tool = TOOL_HOOKS.get(`${repoKey(hook.repo)}#${hook.id}`)
    const manifestStages = tool
      ? resolveHook(hook, tool.manifest, config).stages
      : (hook.fields.stages ?? config.default_stages)
    if (!manifestStages.includes(input.stage)) continue
    if (tool && input.onPath(tool.tool)) {
      const resolved = resolveHook(hook, tool.manifest, config)
      plans.push({
        kind: 'command',
        hook: resolved,
        argv: argvOf(resolved),
        ...selection(resolved, input),
      })
      continue
    }
    plans.push(skip(needs(hook.id, hook.repo, tool?.tool ?? hook.fields.entry?.split(/\s+/)[0] ?? hook.id)))
  }
  return plans
}

// --- internal ---

function needs(id: string, repo: string, tool: string): string {
  return `hook ${id} (repo ${repo}) needs ${tool}: install it, or map it in codex-gates.json`
}

function selection(hook: ResolvedHook, input: PlanInput): { files: string[]; passFiles: string[]; noFiles: boolean } {
  const files = selectFiles(input.paths, input.config, hook, input.tagsOf)
  return { files, passFiles: hook.pass_filenames ? files : [], noFiles: files.length === 0 && !hook.always_run }
}
