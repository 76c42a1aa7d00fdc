import { delimiter, dirname, join } from 'node:path'
import { mapLimit } from '../../foundation/async/map-limit.ts'
import { isUserError, type UserError } from '../../foundation/errors/user-error.ts'
import { globMatcher } from '../../foundation/fs/glob.ts'
import { envValue } from '../../foundation/settings/env-value.ts'
import type { GateStage } from './command/command-config.ts'
import { findTool } from './command/find-tool.ts'
import { pathTagsOf } from './command/path-tags.ts'
import { runCommandGate } from './command/run-command-gate.ts'
import { type ConfigGateRun, skippedRun } from './config-gate-run.ts'
import { makeFinding } from './finding.ts'
import type { GatesConfig } from './gates-config.ts'
import { PARALLEL_GATES } from './parallel-gates.ts'
import { gitFacts } from './pre-commit/git-facts.ts'
import type { GitFacts } from './pre-commit/hook-types.ts'
import { planPreCommitGates } from './pre-commit/plan-pre-commit-gates.ts'
import { hookFiles, runPreCommitGate } from './pre-commit/run-pre-commit-gate.ts'
import { listRepoFiles } from './repo-files.ts'

/** One gate from configuration, ready to run: a command gate or a `.pre-commit-config.yaml` hook. */
export interface ConfigGateEntry {
  name: string
  source: 'command' | 'pre-commit'
  /** Runs alone (`serial`), not beside the others. */
  serial: boolean
  /** Runs in config order after the others (pre-commit's fail_fast needs an order). */
  ordered: boolean
  /** A failure here stops the ordered gates after it (top-level or the hook's own fail_fast). */
  stopsOnFailure: boolean
  /** Will run a tool in the folder (not in-process): the hook must export the whole staged tree for it. */
  needsTree: boolean
  /** Files it reads besides its inputs (a detect-secrets baseline). */
  support: string[]
  timeoutMs: number
  run(signal?: AbortSignal): Promise<ConfigGateRun>
}

export interface ConfigGatesInput {
  /** Where the files are: the repository, or the hook's snapshot of the staged content. */
  root: string
  /** The repository (git facts, node_modules/.bin); default `root`. */
  repoRoot?: string
  config: GatesConfig
  stage: GateStage
  /** Candidate inputs; default every file of the root (config `files`) less the global `exclude`. */
  paths?: readonly string[]
  env?: NodeJS.ProcessEnv
  useCache?: boolean
  cachePath?: string
  /** Where parsed `.pre-commit-config.yaml` files are memoized; default beside `cachePath`, none without it. */
  preCommitMemo?: string
  reportsDir?: string
  executableOf?: (path: string) => boolean | undefined
  sessionId?: string
}

/**
 * The gates a repository declares instead of codex-gates defining them: command gates from
 * codex-gates.json (in key order) and the hooks of its `.pre-commit-config.yaml` (in file order).
 * Planning reads the pre-commit config (a bad one is a UserError) and the inputs' type tags;
 * nothing runs until `run`.
 */
export function configGates(input: ConfigGatesInput): ConfigGateEntry[] {
  const root = input.root
  const repoRoot = input.repoRoot ?? root
  const env = input.env ?? process.env
  const excluded = globMatcher(input.config.exclude)
  const paths = input.paths ?? listRepoFiles(root, input.config.files).filter((p) => !excluded(p))
  const tagsOf = pathTagsOf(root, input.executableOf)
  const common = {
    root,
    repoRoot,
    stage: input.stage,
    env,
    useCache: input.useCache,
    cachePath: input.cachePath,
    reportsDir: input.reportsDir,
    sessionId: input.sessionId,
  }
  const entries: ConfigGateEntry[] = Object.entries(input.config.commands).map(([name, config]) => ({
    name,
    source: 'command',
    serial: config.serial,
    ordered: false,
    stopsOnFailure: false,
    needsTree: config.enabled && config.stages.includes(input.stage),
    support: [],
    timeoutMs: config.timeout_ms,
    run: (signal) => runCommandGate(name, config, { ...common, paths, tagsOf, signal }),
  }))
  const searchPath = [join(repoRoot, 'node_modules', '.bin'), envValue('PATH', env)].filter(Boolean).join(delimiter)
  let source: ReturnType<typeof planPreCommitGates>
  try {
    source = planPreCommitGates({
      root,
      setting: input.config.preCommit,
      paths,
      tagsOf,
      stage: input.stage,
      onPath: (tool) => findTool(tool, root, searchPath) !== undefined,
      memoPath:
        input.preCommitMemo ??
        (input.cachePath ? join(dirname(input.cachePath), 'pre-commit-configs.json') : undefined),
    })
  } catch (error) {
    // A broken .pre-commit-config.yaml is one failing gate saying where, not a crash of the others.
    if (!isUserError(error)) throw error
    entries.push(brokenConfigEntry(input.config.preCommit.config, error))
    return entries
  }
  if (!source) return entries
  let facts: GitFacts | undefined
  // Only pre-commit-hooks' own hooks read git facts: a local pygrep hook that shares an id does not.
  const nativeIds = source.gates
    .filter((g) => g.plan.kind === 'native' && typeof g.plan.implementation !== 'string')
    .map((g) => g.hook.id)
  const fileOf = hookFiles(root, input.executableOf)
  const factsOnce = () => {
    facts ??= gitFacts(repoRoot, nativeIds, paths)
    return facts
  }
  for (const gate of source.gates) {
    const ordered = source.failFast || source.gates.some((g) => g.failFast)
    entries.push({
      name: gate.name,
      source: 'pre-commit',
      serial: gate.plan.kind === 'command' && gate.plan.hook.require_serial,
      ordered,
      stopsOnFailure: source.failFast || gate.failFast,
      needsTree: gate.plan.kind === 'command' && !gate.plan.noFiles && !gate.secrets,
      support: gate.secrets && gate.plan.kind !== 'skipped' ? baselineFiles(gate.plan.hook.args) : [],
      timeoutMs: 300_000,
      run: (signal) =>
        runPreCommitGate(gate, {
          ...common,
          secrets: input.config.gates.secrets,
          facts: factsOnce,
          executableOf: input.executableOf,
          fileOf,
          signal,
        }),
    })
  }
  return entries
}

/**
 * Runs entries as the hook and `codex-gates run` do: the unordered ones side by side (a `serial`
 * one alone), then the ordered ones in turn, each after a stopping failure skipped with the reason.
 */
export async function runConfigGates(
  entries: readonly ConfigGateEntry[],
  signal?: AbortSignal,
): Promise<ConfigGateRun[]> {
  const results = new Map<string, ConfigGateRun>()
  const parallel = entries.filter((e) => !e.ordered && !e.serial)
  await mapLimit(parallel, PARALLEL_GATES, async (e) => results.set(e.name, await e.run(signal)))
  for (const e of entries.filter((e) => !e.ordered && e.serial)) results.set(e.name, await e.run(signal))
  let stoppedBy: string | undefined
  for (const e of entries.filter((e) => e.ordered)) {
    if (stoppedBy) {
      results.set(e.name, skippedRun(e.name, failFastReason(stoppedBy)))
      continue
    }
    const run = await e.run(signal)
    results.set(e.name, run)
    if (run.status === 'failed' && e.stopsOnFailure) stoppedBy = e.name
  }
  return entries.map((e) => results.get(e.name) as ConfigGateRun)
}

/** Why an ordered gate after a stopping failure did not run. */
export function failFastReason(stoppedBy: string): string {
  return `fail_fast: ${stoppedBy} failed first`
}

// --- internal ---

function brokenConfigEntry(file: string, error: UserError): ConfigGateEntry {
  const at = /^([^:\s]+):(\d+):/.exec(error.message)
  const finding = makeFinding({
    gate: 'pre-commit',
    rule: 'pre-commit-config',
    severity: 'error',
    file: at?.[1] ?? file,
    line: at ? Number(at[2]) : null,
    message: error.message,
    remediation: error.hint ?? `fix ${file}`,
  })
  return {
    name: 'pre-commit',
    source: 'pre-commit',
    serial: false,
    ordered: false,
    stopsOnFailure: false,
    needsTree: false,
    support: [],
    timeoutMs: 10_000,
    run: async () => ({
      ...skippedRun('pre-commit', error.message),
      status: 'failed',
      reason: undefined,
      findings: [finding],
    }),
  }
}

function baselineFiles(args: readonly string[]): string[] {
  const i = args.indexOf('--baseline')
  const inline = args.find((a) => a.startsWith('--baseline='))
  const file = i >= 0 ? args[i + 1] : inline?.slice('--baseline='.length)
  return file ? [file] : []
}
