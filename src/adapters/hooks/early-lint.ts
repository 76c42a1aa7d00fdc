import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { CONFIG_FILES, type GatesConfig } from '../../domain/gates/gates-config.ts'
import { biomeCheckArgs } from '../../domain/gates/lint/lint.ts'
import { globMatcher, globToRegExp } from '../../foundation/fs/glob.ts'
import { writeFileAtomic } from '../../foundation/fs/write-file-atomic.ts'
import { envValue } from '../../foundation/settings/env-value.ts'
import { cachedHookConfig } from './hook-config.ts'
import type { HookIo } from './hook-io.ts'
import { type LauncherLint, PLAN_VERSION, planPath, takeLauncherLint } from './launcher-lint.cjs'
import { biomeBinary, runLintStep, settleLintStep } from './lint-step.ts'
import { materialize, SPARSE_OVER_BYTES } from './materialize.ts'
import type { ObjectReader } from './object-reader.ts'
import type { PlannedStep, StepOutcome } from './run-steps.ts'
import { parseSkip } from './skip.ts'
import { isRegularFile, type Snapshot } from './snapshot.ts'
import { BIOME_FILES, PRE_COMMIT_STEP_NAMES, PRE_COMMIT_STEPS } from './steps.ts'
import { mark } from './timeline.ts'

/** What Biome reads besides its files (as gate-snapshot.ts exports them for it). */
const LINT_SUPPORT = ['biome.json', 'biome.jsonc', '.gitignore']

/**
 * Biome started on the staged bytes as soon as `git diff --cached` has named the files, before the
 * hook's own module has loaded: its ~25 ms then overlap that load instead of following it. It runs
 * in a folder of its own (its files, biome.json, .gitignore, exported from git's objects) with the
 * config cached for the index's codex-gates.json blob, the one the run resolves too. The run adopts
 * it only when its own plan for the step is the same (same files, same gate settings, no
 * whole-tree export); otherwise it is cancelled and the step runs as before.
 */
export class EarlyLint {
  private readonly judged: { resolve: () => void; promise: Promise<void> }
  private readonly stop = new AbortController()
  readonly outcome: Promise<StepOutcome>

  private constructor(
    private readonly dir: string,
    private readonly step: PlannedStep,
    private readonly settings: string,
    biome: string,
    format: boolean,
    signal: AbortSignal | undefined,
    launched?: LauncherLint,
  ) {
    let resolve = (): void => undefined
    const promise = new Promise<void>((r) => {
      resolve = r
    })
    this.judged = { resolve, promise }
    if (signal?.aborted) this.stop.abort()
    signal?.addEventListener('abort', () => this.stop.abort(), { once: true })
    const options = { root: dir, biome, format, signal: this.stop.signal, ready: promise }
    this.outcome = launched ? settleLintStep(step, launched, options) : runLintStep(step, options)
    mark(launched ? 'lint taken from the launcher' : 'lint started early')
  }

  /**
   * Starts Biome for `snapshot` when the cached config says the lint step runs on some of its
   * changed files, or takes the one the hook's launcher started when it is that very run (same
   * plan, files and blobs: launcher-lint.cjs); undefined otherwise (no cached config, lint skipped
   * or disabled, no files, no biome.json). Leaves the plan for the next commit's launcher. Never
   * throws: anything unexpected leaves the step to the run.
   */
  static async start(io: HookIo, snapshot: Snapshot, objects: ObjectReader): Promise<EarlyLint | undefined> {
    let launched = takeLauncherLint(io.cwd)
    let dir: string | undefined
    try {
      if (parseSkip(envValue('SKIP', io.env), PRE_COMMIT_STEP_NAMES).skip.has('lint')) return undefined
      const configFile = CONFIG_FILES.find((f) => snapshot.entries.has(f))
      const blob = configFile ? snapshot.entries.get(configFile)?.sha : undefined
      const gitDir = realpathSync(join(io.cwd, '.git'))
      const config = cachedHookConfig(blob, join(gitDir, 'codex-gates', 'hook-config.json'), io.env)
      const files = config ? lintFiles(snapshot, config) : []
      if (!config || files.length === 0) return undefined
      const support = LINT_SUPPORT.filter((p) => snapshot.entries.has(p))
      if (!support.some((p) => p.startsWith('biome.'))) return undefined
      const lint = config.gates.lint
      const biome = biomeBinary(io.cwd, io.env)
      const plan = launcherPlan(blob, config, biome)
      if (plan !== launched?.plan) savePlan(io.cwd, plan)
      const step: PlannedStep = {
        name: 'lint',
        files,
        config: lint,
        timeoutMs: lint.timeout_ms,
        severity: lint.severity,
      }
      if (launched && launched.plan === plan && sameExport(launched, files, snapshot)) {
        io.onTempDir?.(launched.dir)
        const taken = launched
        launched = undefined
        return new EarlyLint(taken.dir, step, settingsOf(config), biome, lint.format, io.signal, taken)
      }
      dir = mkdtempSync(join(tmpdir(), 'codex-lint-'))
      io.onTempDir?.(dir)
      await materialize(snapshot, [...files, ...support], dir, { cwd: io.cwd, env: io.env, objects })
      return new EarlyLint(dir, step, settingsOf(config), biome, lint.format, io.signal)
    } catch {
      if (dir) rmSync(dir, { recursive: true, force: true })
      return undefined
    } finally {
      launched?.dispose()
    }
  }

  /** Whether the run's plan for the lint step is this one: same files and the same gate settings. */
  matches(planned: PlannedStep, config: GatesConfig): boolean {
    return (
      planned.files.length === this.step.files.length &&
      planned.files.every((f, i) => f === this.step.files[i]) &&
      settingsOf(config) === this.settings
    )
  }

  /** The step's outcome, judged against `baseline` (the run's, as staged) once Biome is done. */
  adopt(baseline: PlannedStep['baseline']): Promise<StepOutcome> {
    this.step.baseline = baseline
    this.judged.resolve()
    return this.outcome
  }

  /** Stops Biome if it still runs and removes its folder (after adopting too, once the outcome is in). */
  dispose(): void {
    this.stop.abort()
    rmSync(this.dir, { recursive: true, force: true })
  }
}

/** The changed regular files the lint step applies to, as gate-snapshot.ts plans them. */
function lintFiles(snapshot: Snapshot, config: GatesConfig): string[] {
  const lint = config.gates.lint
  if (!lint.enabled) return []
  const step = PRE_COMMIT_STEPS.find((s) => s.name === 'lint')
  const excludedEverywhere = globMatcher(config.exclude)
  const excluded = globMatcher(lint.exclude)
  return snapshot.changed.filter((p) => {
    const entry = snapshot.entries.get(p)
    return (
      entry !== undefined &&
      isRegularFile(entry.mode) &&
      step?.applies(p) === true &&
      !excludedEverywhere(p) &&
      !excluded(p)
    )
  })
}

/** What decides the lint step's plan and judging, as one comparable text. */
function settingsOf(config: GatesConfig): string {
  return JSON.stringify([config.exclude, config.gates.lint])
}

/**
 * What the next commit's launcher needs to start Biome before the runner loads (launcher-lint.cjs
 * reads it): the config blob it holds for, which changed files the step takes (the step's own
 * pattern, less the excludes, as regular expressions), the support files, Biome and its arguments.
 */
function launcherPlan(configBlob: string | undefined, config: GatesConfig, biome: string): string {
  const lint = config.gates.lint
  return JSON.stringify({
    version: PLAN_VERSION,
    configFiles: CONFIG_FILES,
    configBlob: configBlob ?? null,
    include: BIOME_FILES.source,
    includeFlags: BIOME_FILES.flags,
    exclude: [...config.exclude, ...lint.exclude].map((g) => globToRegExp(g).source),
    support: LINT_SUPPORT,
    biome,
    args: biomeCheckArgs([], lint.format),
    sparseOverBytes: SPARSE_OVER_BYTES,
  })
}

/** Writes the plan (atomically) where the launcher looks; a plan that cannot be written only costs the head start. */
function savePlan(cwd: string, plan: string): void {
  try {
    const path = planPath(cwd)
    mkdirSync(dirname(path), { recursive: true })
    writeFileAtomic(path, plan)
  } catch {
    // no .git folder (a linked worktree), or not writable: the runner starts Biome itself
  }
}

/**
 * Whether the launcher exported what this run would: the same files in the same order, each a
 * regular file with the blob it wrote, and the same support files (present, regular, same blob).
 */
function sameExport(launched: LauncherLint, files: readonly string[], snapshot: Snapshot): boolean {
  const blobOf = (path: string) => {
    const entry = snapshot.entries.get(path)
    return entry && isRegularFile(entry.mode) ? entry.sha : undefined
  }
  return (
    launched.files.length === files.length &&
    files.every((f, i) => launched.files[i] === f && launched.oids[f] === blobOf(f)) &&
    LINT_SUPPORT.every((p) => launched.oids[p] === blobOf(p))
  )
}
