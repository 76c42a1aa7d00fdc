import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { baselineFile, readBaseline } from '../../domain/gates/baseline.ts'
import type { ConfigGateRun } from '../../domain/gates/config-gate-run.ts'
import type { ConfigGateEntry } from '../../domain/gates/config-gates.ts'
import { CONFIG_FILES, type GateCommon, type GatesConfig } from '../../domain/gates/gates-config.ts'
import { globMatcher } from '../../foundation/fs/glob.ts'
import { uptimeMs } from '../../foundation/process/uptime-ms.ts'
import type { EarlyLint } from './early-lint.ts'
import type { GitOptions } from './git.ts'
import { loadHookConfig } from './hook-config.ts'
import { biomeBinary, runLintStep } from './lint-step.ts'
import { type Materialized, type MaterializeGit, materialize } from './materialize.ts'
import { materializeRuffConfigs } from './materialize-ruff-configs.ts'
import { ObjectReader } from './object-reader.ts'
import type { GateRunner, PlannedStep, StepOutcome } from './run-steps.ts'
import type { SkipRequest } from './skip.ts'
import { isRegularFile, type Snapshot } from './snapshot.ts'
import { type HookStep, PRE_COMMIT_STEPS } from './steps.ts'
import { mark } from './timeline.ts'
import { workTreeAsStaged } from './work-tree-as-staged.ts'

/** Files the steps read besides the changed ones, when the snapshot has them (Biome reads .gitignore when vcs.useIgnoreFile is on). */
const SUPPORT_FILES = [...CONFIG_FILES, 'biome.json', 'biome.jsonc', '.gitignore', '.pre-commit-config.yaml']

export interface GateSnapshotOptions {
  git: GitOptions
  snapshot: Snapshot
  skip: SkipRequest
  /** Who skipped (for the ledger), asked only when SKIP names a step. */
  who: () => Promise<string>
  /** The worker for in-process gates, started early by the caller (see `GateRunner`). */
  runner: GateRunner
  /** Biome started before the snapshot was gated (early-lint.ts): used when the plan matches, else cancelled; disposed here. */
  earlyLint?: Promise<EarlyLint | undefined>
  /** A `git cat-file` reader already started (its start overlapped the caller's work); closed here. */
  objects?: ObjectReader
  /** Where validated configs are cached (in the git dir); undefined: no cache. */
  configCache?: string
  /**
   * The config the cache holds for this snapshot, when the caller looked (pre-commit.ts): its
   * baselines go out with the changed files, one export round with git instead of two.
   */
  expected?: GatesConfig
  steps?: readonly HookStep[]
  signal?: AbortSignal
  /** Called once the steps' processes are under way (Biome started): the caller's synchronous work overlaps them. */
  onStarted?: () => void
  /** Called with the temp folder as soon as it exists, so a signal handler can remove it. */
  onTempDir?: (dir: string | undefined) => void
}

export interface GateSnapshotResult {
  outcomes: StepOutcome[]
  /** Changed regular files the steps could see. */
  files: number
  /** ms spent exporting the committed bytes and resolving the config. */
  snapshotMs: number
  exported: number
  sparse: number
  /** Names of the gates from configuration that ran (command gates, pre-commit hooks): SKIP may name them. */
  configGateNames: string[]
  /** Fixer output by path, and whether codex-gates.json lets the hook apply it (`pre_commit.fix`). */
  fixes: Map<string, Uint8Array>
  fix: boolean
}

/**
 * Runs the read-only hook steps on a snapshot's committed bytes: exports the changed files (plus
 * the config, baselines and, for link checks, the whole tree) from git's object store into a temp
 * folder, resolves codex-gates.json as committed, and runs each step on the changed files it
 * applies to — `lint` as a Biome child process, the others in the gate worker, side by side.
 * Command gates and hooks from configuration run in an export of the whole staged tree, or in the
 * work tree itself when it holds exactly that tree (see workTreeAsStaged). The hook never writes
 * the work tree or the index here (a tool run in place may, as under pre-commit); the temp folder
 * is always removed.
 */
export async function gateSnapshot(options: GateSnapshotOptions): Promise<GateSnapshotResult> {
  const { snapshot, skip, runner } = options
  const steps = options.steps ?? PRE_COMMIT_STEPS
  const started = uptimeMs()
  // Every export of this run reads git's objects through one cat-file process.
  const objects = options.objects ?? new ObjectReader(options.git).open()
  const git: MaterializeGit = { ...options.git, objects }
  const dir = mkdtempSync(join(tmpdir(), 'codex-hook-'))
  // Stops a Biome started early when the export fails (and, as before, on the caller's abort).
  const lintStop = new AbortController()
  let earlyLint: EarlyLint | undefined
  const stopLint = () => lintStop.abort()
  if (options.signal?.aborted) stopLint()
  options.signal?.addEventListener('abort', stopLint, { once: true })
  options.onTempDir?.(dir)
  try {
    const changed = snapshot.changed.filter((p) => {
      const entry = snapshot.entries.get(p)
      return entry !== undefined && isRegularFile(entry.mode)
    })
    // The baselines the cached config names come along (the resolved config may name others: those
    // follow in the second round, as all do without a cached config).
    const expected = options.expected
      ? [...baselines(options.expected), ...steps.map((s) => baselineFile(options.expected?.baselines ?? '', s.name))]
      : []
    const first = new Set([...changed, ...[...SUPPORT_FILES, ...expected].filter((p) => snapshot.entries.has(p))])
    const done = await materialize(snapshot, first, dir, git)
    mark('changed files exported')
    const env = options.git.env ?? process.env
    const configFile = CONFIG_FILES.find((f) => snapshot.entries.has(f))
    const configBlob = configFile ? snapshot.entries.get(configFile)?.sha : undefined
    const config = await loadHookConfig(dir, configBlob, options.configCache, env)
    earlyLint = await options.earlyLint
    mark('config resolved')
    const at = new Date().toISOString()
    const decided = new Map<string, StepOutcome>()
    const planned: PlannedStep[] = []
    let wholeTree = false
    const excludedEverywhere = globMatcher(config.exclude)
    for (const step of steps) {
      const gateConfig = config.gates[step.name] as GateCommon
      const skipped = (reason: string, extra: Partial<StepOutcome> = {}) =>
        decided.set(step.name, { ...emptyOutcome(step.name, 'skipped'), reason, ...extra })
      if (skip.skip.has(step.name)) {
        skipped(`SKIP=${step.name}`, { skippedBy: { who: await options.who(), at } })
        continue
      }
      if (!gateConfig.enabled) {
        skipped(`disabled in ${configFile ?? 'the defaults'}`)
        continue
      }
      const excluded = globMatcher(gateConfig.exclude)
      const files = changed.filter((p) => step.applies(p) && !excludedEverywhere(p) && !excluded(p))
      if (files.length === 0) {
        skipped('no changed files for this step')
        continue
      }
      if (step.wholeTree) wholeTree = true
      planned.push({
        name: step.name,
        files: step.wholeTree ? treeFiles(snapshot).filter((p) => !excludedEverywhere(p) && !excluded(p)) : files,
        reportOnly: step.wholeTree ? files : undefined,
        config: gateConfig,
        timeoutMs: gateConfig.timeout_ms,
        severity: gateConfig.severity,
      })
    }
    // Gates from configuration (command gates with the commit stage, .pre-commit-config.yaml hooks):
    // only the staged files are their inputs; a tool that runs needs the whole staged tree around
    // them — exported, or the work tree itself when it holds exactly that tree (workTreeAsStaged).
    // In place, a tool that rewrites a file rewrites it in the work tree, as under pre-commit: the
    // staged bytes stay in the index and nothing unstaged exists to lose; the gate fails naming it.
    // Their code is loaded only when the repository declares some: most commits never pay for it.
    const hasPreCommit = config.preCommit.enabled && snapshot.entries.has(config.preCommit.config)
    if (hasPreCommit && !first.has(config.preCommit.config)) {
      await materialize(snapshot, [config.preCommit.config], dir, git)
    }
    const declares = Object.keys(config.commands).length > 0 || hasPreCommit
    const loading = declares ? import('../../domain/gates/config-gates.ts') : undefined
    // A work tree that holds exactly the staged tree (nothing unstaged, nothing untracked) lets
    // their tools run in place: the same bytes as an export of the whole tree, without writing it.
    const inPlace = declares && snapshot.source === 'index' && (await workTreeAsStaged(snapshot, options.git))
    const declaring = await loading
    if (declaring) mark(inPlace ? 'declared gates loaded (work tree as staged)' : 'declared gates loaded')
    const declared: ConfigGateEntry[] = declaring
      ? declaring.configGates({
          root: inPlace ? options.git.cwd : dir,
          repoRoot: options.git.cwd,
          config,
          stage: 'commit',
          paths: changed.filter((p) => !excludedEverywhere(p)),
          env,
          useCache: false,
          // Beside the validated hook configs: a warm commit neither loads the YAML library nor parses.
          preCommitMemo: options.configCache
            ? join(dirname(options.configCache), 'pre-commit-configs.json')
            : undefined,
          executableOf: (p) => snapshot.entries.get(p)?.mode === '100755',
        })
      : []
    if (declaring) mark('declared gates planned')
    const skippedByName = new Set(skip.unknown.map((u) => u.name))
    const toRun: ConfigGateEntry[] = []
    for (const entry of declared) {
      if (skippedByName.has(entry.name)) {
        decided.set(entry.name, {
          ...emptyOutcome(entry.name, 'skipped'),
          reason: `SKIP=${entry.name}`,
          skippedBy: { who: await options.who(), at },
        })
      } else {
        toRun.push(entry)
        if (entry.needsTree && !inPlace) wholeTree = true
      }
    }
    // Biome reads only its files, biome.json and .gitignore, all exported above: it starts now,
    // while the rest of the snapshot is written, unless it is the whole tree (nested configs).
    const lint = planned.find((s) => s.name === 'lint')
    const adopted = earlyLint && lint && !wholeTree && earlyLint.matches(lint, config) ? earlyLint : undefined
    if (earlyLint && !adopted) earlyLint.dispose()
    let baselinesRead = (): void => undefined
    const ready = new Promise<void>((resolve) => {
      baselinesRead = resolve
    })
    const linting =
      lint && !wholeTree && !adopted ? runLint(lint, dir, config, options, lintStop.signal, ready) : undefined
    // In place, the declared gates read the work tree, not the export: they start now, while the
    // rest of the snapshot (baselines, the other gates' support files) is written.
    const early = inPlace && declaring && toRun.length > 0 ? declaring.runConfigGates(toRun, options.signal) : undefined
    early?.catch(() => undefined) // awaited below; a failed export must not leave it unhandled
    const stepBaselines = planned.map((s) => baselineFile(config.baselines, s.name))
    const more = new Set<string>(
      wholeTree ? treeFiles(snapshot) : [...baselines(config), ...stepBaselines, ...toRun.flatMap((e) => e.support)],
    )
    for (const p of first) more.delete(p)
    // python-lint reads the ruff settings as staged: they are exported beside the files.
    const pythonLint = planned.find((s) => s.name === 'python-lint')
    const exporting = Promise.all([
      materialize(snapshot, more, dir, git),
      pythonLint && !wholeTree ? materializeRuffConfigs(snapshot, pythonLint.files, dir, git, first) : NONE,
    ])
    // Biome and the export's requests are under way: the caller's synchronous work goes here.
    options.onStarted?.()
    const [rest, ruff] = await exporting
    objects.close()
    // The baselines as staged: a commit that rewrites one is judged by the new one.
    for (const step of planned) step.baseline = readBaseline(dir, baselineFile(config.baselines, step.name), step.name)
    baselinesRead()
    const snapshotMs = uptimeMs() - started
    mark('snapshot ready')

    const gates = planned.filter((s) => s !== lint)
    const [lintOutcome, gateOutcomes, declaredRuns] = await Promise.all([
      adopted && lint
        ? adopted.adopt(lint.baseline)
        : (linting ?? (lint ? runLint(lint, dir, config, options, lintStop.signal) : undefined)),
      gates.length > 0 ? runner.run(dir, gates, options.signal) : [],
      early ?? (declaring && toRun.length > 0 ? declaring.runConfigGates(toRun, options.signal) : []),
    ])
    for (const o of [...(lintOutcome ? [lintOutcome] : []), ...gateOutcomes]) decided.set(o.name, o)
    const fixes = new Map<string, Uint8Array>()
    for (const run of declaredRuns) {
      decided.set(run.gate, configOutcome(run, options.signal))
      for (const [path, bytes] of run.fixes ?? []) if (!fixes.has(path)) fixes.set(path, bytes)
    }
    const names = [...steps.map((s) => s.name), ...declared.map((e) => e.name)]
    return {
      outcomes: names.map((name) => decided.get(name) ?? emptyOutcome(name, 'interrupted')),
      files: changed.length,
      snapshotMs,
      exported: done.written.length + rest.written.length + ruff.written.length,
      sparse: done.sparse.length + rest.sparse.length + ruff.sparse.length,
      configGateNames: declared.map((e) => e.name),
      fixes,
      fix: config.preCommit.fix,
    }
  } finally {
    options.signal?.removeEventListener('abort', stopLint)
    lintStop.abort()
    earlyLint?.dispose()
    // Failed before it was awaited: its folder goes once it is known.
    if (!earlyLint) void options.earlyLint?.then((lint) => lint?.dispose())
    objects.close()
    runner.dispose()
    rmSync(dir, { recursive: true, force: true })
    options.onTempDir?.(undefined)
  }
}

// --- internal ---

const NONE: Materialized = { written: [], sparse: [] }

function runLint(
  step: PlannedStep,
  dir: string,
  config: GatesConfig,
  options: GateSnapshotOptions,
  signal: AbortSignal,
  ready?: Promise<unknown>,
) {
  if (!existsSync(join(dir, 'biome.json')) && !existsSync(join(dir, 'biome.jsonc'))) {
    return Promise.resolve({ ...emptyOutcome('lint', 'skipped'), reason: 'no biome.json at the root' })
  }
  return runLintStep(step, {
    root: dir,
    biome: biomeBinary(options.git.cwd, options.git.env),
    format: config.gates.lint.format,
    signal,
    ready,
  })
}

/** Every regular file in the snapshot. */
function treeFiles(snapshot: Snapshot): string[] {
  return [...snapshot.entries.values()].filter((e) => isRegularFile(e.mode)).map((e) => e.path)
}

function baselines(config: GatesConfig): string[] {
  const { secrets, placeholders } = config.gates
  return [
    secrets.baseline,
    placeholders.baseline,
    ...(secrets.detect_secrets_baseline ? [secrets.detect_secrets_baseline] : []),
  ]
}

/** A command gate's or hook's run as a hook step. */
function configOutcome(run: ConfigGateRun, signal: AbortSignal | undefined): StepOutcome {
  const status =
    signal?.aborted && run.status !== 'skipped' ? 'interrupted' : run.status === 'cached' ? 'passed' : run.status
  return {
    name: run.gate,
    status,
    durationMs: run.durationMs,
    files: run.fileCount,
    findings: run.findings,
    events: run.events,
    ...(run.reason ? { reason: run.reason } : {}),
  }
}

function emptyOutcome(name: string, status: StepOutcome['status']): StepOutcome {
  return { name, status, durationMs: 0, files: 0, findings: [], events: [] }
}
