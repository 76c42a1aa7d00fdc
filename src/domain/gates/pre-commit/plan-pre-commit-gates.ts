import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { scannerSourceHash } from '../cache-key.ts'
import type { GateStage } from '../command/command-config.ts'
import type { PreCommitSetting } from '../gates-config.ts'
import { readJsonMemo, writeJsonMemo } from '../json-memo.ts'
import { TOOL_HOOKS } from './known-tool-hooks.ts'
import { nativeHookFor, repoKey } from './native-hooks.ts'
import { type HookPlan, planHooks } from './plan-hooks.ts'
import { type ConfigHook, type PreCommitConfig, readPreCommitConfig } from './read-pre-commit-config.ts'
import { resolveHook } from './resolve-hook.ts'

/** detect-secrets' hook, which runs as the secrets gate with the repository's baseline. */
export const DETECT_SECRETS = {
  repo: 'github.com/yelp/detect-secrets',
  id: 'detect-secrets',
  tool: 'detect-secrets-hook',
}

/** One hook of `.pre-commit-config.yaml` as a gate. */
export interface PreCommitGate {
  /** `pre-commit:<id>`; a repeated id gets `#2`, `#3`, … */
  name: string
  hook: ConfigHook
  /** How it runs; `skipped` also for a hook that is not in this run's stage. */
  plan: HookPlan
  /** Runs as the secrets gate (detect-secrets). */
  secrets: boolean
  /** The hook's own `fail_fast`: stop the hooks after it when it fails. */
  failFast: boolean
}

/** The hooks of a `.pre-commit-config.yaml` as gates, for one stage. */
export interface PreCommitSource {
  config: PreCommitConfig
  gates: PreCommitGate[]
  /** Top-level `fail_fast`: the first failing hook stops the rest. */
  failFast: boolean
}

export interface PlanSourceInput {
  /** Where the config file is read (the repository, or the hook's snapshot). */
  root: string
  setting: PreCommitSetting
  /** Repo-relative paths in play: every tracked file (a gates run), or the staged ones (the hook). */
  paths: readonly string[]
  tagsOf: (path: string) => ReadonlySet<string>
  stage: GateStage
  onPath: (tool: string) => boolean
  /** A JSON memo of parsed configs by content (readPreCommitConfigMemo); undefined: parse every time. */
  memoPath?: string
}

/** Our stage → pre-commit's: a gates run in CI runs what `pre-commit run --all-files` runs. */
export const PRE_COMMIT_STAGE: Record<GateStage, string> = {
  commit: 'pre-commit',
  push: 'pre-push',
  ci: 'pre-commit',
  manual: 'manual',
}

/**
 * Reads the repository's `.pre-commit-config.yaml` (undefined when there is none, or
 * `"pre_commit": false`) and plans each hook as a gate (src/domain/gates/pre-commit/plan-hooks.ts):
 * native, command, or skipped with the reason. Every hook of the file gets a gate, so the ledger
 * has one row per hook; one not in this stage is skipped saying which stages it has. detect-secrets
 * hooks run as the secrets gate, honouring their `--baseline`.
 */
export function planPreCommitGates(input: PlanSourceInput): PreCommitSource | undefined {
  if (!input.setting.enabled) return undefined
  const path = join(input.root, input.setting.config)
  if (!existsSync(path)) return undefined
  const text = readFileSync(path, 'utf8')
  const config = input.memoPath
    ? readPreCommitConfigMemo(text, input.setting.config, input.memoPath)
    : readPreCommitConfig(text, input.setting.config)
  const stage = PRE_COMMIT_STAGE[input.stage]
  // detect-secrets-hook is never needed: the plan only borrows its file selection.
  const onPath = (tool: string) => tool === DETECT_SECRETS.tool || input.onPath(tool)
  const plans = planHooks({ config, paths: input.paths, tagsOf: input.tagsOf, stage, onPath })
  const byLine = new Map<string, HookPlan>()
  for (const plan of plans) byLine.set(`${planLine(plan)}#${planId(plan)}`, plan)
  const names = preCommitGateNames(config.hooks)
  const gates = config.hooks.map((hook, i): PreCommitGate => {
    const name = names[i] as string
    const secrets = repoKey(hook.repo) === DETECT_SECRETS.repo && hook.id === DETECT_SECRETS.id
    const plan = byLine.get(`${hook.line}#${hook.id}`) ?? {
      kind: 'skipped',
      repo: hook.repo,
      id: hook.id,
      line: hook.line,
      reason: `hook ${hook.id} runs at ${hookStages(hook, config).join(', ')}, not ${stage}`,
    }
    return { name, hook, plan, secrets, failFast: hook.fields.fail_fast === true }
  })
  return { config, gates, failFast: config.fail_fast }
}

/** Each hook's gate name, in file order: `pre-commit:<id>`, a repeated id `pre-commit:<id>#2`, `#3`, … */
export function preCommitGateNames(hooks: readonly { id: string }[]): string[] {
  const seen = new Map<string, number>()
  return hooks.map((hook) => {
    const n = (seen.get(hook.id) ?? 0) + 1
    seen.set(hook.id, n)
    return `pre-commit:${hook.id}${n > 1 ? `#${n}` : ''}`
  })
}

/**
 * The gate names of the hooks in `root`'s pre-commit config (`setting.config`); undefined when
 * it is not there, off, or does not parse (the run then reports that itself).
 */
export function declaredHookNames(root: string, setting: PreCommitSetting): string[] | undefined {
  const path = join(root, setting.config)
  if (!setting.enabled || !existsSync(path)) return undefined
  try {
    return preCommitGateNames(readPreCommitConfig(readFileSync(path, 'utf8'), setting.config).hooks)
  } catch {
    return undefined
  }
}

/** Parsed configs a memo keeps (one per version of the file a repository has seen). */
const MEMO_KEEP = 8

/**
 * readPreCommitConfig through a memo keyed by the file's name and bytes and the reader's own code
 * (scannerSourceHash): a warm run neither loads the YAML library nor parses. A config that does
 * not validate is never memoized (it throws every time).
 */
export function readPreCommitConfigMemo(text: string, file: string, memoPath: string): PreCommitConfig {
  const key = createHash('sha256').update(`${scannerSourceHash()}\0${file}\0${text}`).digest('hex')
  const memo = readJsonMemo<PreCommitConfig>(memoPath)
  const hit = memo[key]
  if (hit) return hit
  const config = readPreCommitConfig(text, file)
  delete memo[key]
  writeJsonMemo(memoPath, { ...memo, [key]: config }, MEMO_KEEP)
  return config
}

// --- internal ---

function planLine(plan: HookPlan): number {
  return plan.kind === 'skipped' ? plan.line : plan.hook.line
}

function planId(plan: HookPlan): string {
  return plan.kind === 'skipped' ? plan.id : plan.hook.id
}

/** The stages a hook runs at, from its manifest where one is known. */
function hookStages(hook: ConfigHook, config: PreCommitConfig): string[] {
  if (hook.repo === 'local') return resolveHook(hook, undefined, config).stages
  const manifest =
    nativeHookFor(hook.repo, hook.id)?.manifest ?? TOOL_HOOKS.get(`${repoKey(hook.repo)}#${hook.id}`)?.manifest
  if (manifest) return resolveHook(hook, manifest, config).stages
  return hook.fields.stages ?? config.default_stages
}
