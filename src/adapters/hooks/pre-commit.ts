import { realpathSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { CONFIG_FILES, type GateName, type GatesConfig } from '../../domain/gates/gates-config.ts'
import { userCommand } from '../../foundation/cli/user-command.ts'
import { EXIT, UserError } from '../../foundation/errors/user-error.ts'
import { readGitIndex } from '../../foundation/fs/git-index.ts'
import { envValue } from '../../foundation/settings/env-value.ts'
import { setting } from '../../foundation/settings/settings.ts'
import { applyFixes } from './apply-fixes.ts'
import type { EarlyLint } from './early-lint.ts'
import { runFixStep } from './fix-step.ts'
import { gateSnapshot } from './gate-snapshot.ts'
import { git, headInfo, whoAmI } from './git.ts'
import { cachedHookConfig } from './hook-config.ts'
import { HOOK_COMMAND, type HookIo, hookLine } from './hook-io.ts'
import { HookSession } from './hook-session.ts'
import type { ObjectReader } from './object-reader.ts'
import type { PreCommitStart } from './pre-commit-start.ts'
import { recordFailure, recordOutcomes } from './record-outcomes.ts'
import { GateRunner, type StepOutcome } from './run-steps.ts'
import { parseSkip, unknownSkipWarning } from './skip.ts'
import { commitSnapshot, indexSnapshot, type Snapshot } from './snapshot.ts'
import { INLINE_STEP_NAMES, MARKDOWN, PRE_COMMIT_STEP_NAMES, PYTHON_SOURCE } from './steps.ts'
import { mark, timeline } from './timeline.ts'

/**
 * The pre-commit hook: the read-only gates on the staged bytes (the index, not the work tree),
 * one ledger session (`kind` pre-commit) with an `events` row per step and its time, a summary
 * line naming each step's time, exit 1 with file:line, rule and fix when a step fails. With
 * `CODEX_HOOK_FIX=1` the lint-staged fixers run first (see fix-step.ts).
 */
export async function preCommit(io: HookIo, started?: PreCommitStart): Promise<number> {
  const options = { cwd: io.cwd, env: io.env }
  mark('hook entered')
  // git reads the index (started before this module loaded, see pre-commit-start.ts) while the
  // gate worker, if Python may be staged, imports its gates; the ledger opens (synchronously)
  // and the light gates load once Biome runs (`begin`).
  const hold = io.hold ?? (<T>(work: Promise<T>) => work)
  const fixing =
    started === undefined && setting('CODEX_HOOK_FIX', io.env) === true
      ? hold(runFixStep({ ...options, signal: io.signal }))
      : undefined
  // The fixers rewrite the index, so the snapshot waits for them.
  const snapshotting =
    started?.snapshot ?? (fixing ? fixing.then(() => indexSnapshot(options)) : indexSnapshot(options))
  const heading = headInfo(options)
  const expected = expectedConfig(io)
  const runner = startRunner(io, expected)
  mark('worker started')
  // The ledger opens later, once Biome runs (see `begin`).
  const session = new HookSession({
    kind: 'pre-commit',
    command: 'pre-commit',
    argv: io.argv,
    warn: (line) => hookLine(io, line),
  })
  let snapshot: Snapshot
  let gitDir: string
  let begin: () => void
  try {
    snapshot = await snapshotting
    mark('index read')
    // Python files staged: ruff's WebAssembly warm-up starts now, beside the export of the files.
    needWorker(io, runner, snapshot.changed, expected)
    const head = await heading
    gitDir = head.gitDir
    // git_dirty stays unknown: finding unstaged changes means a stat of the whole work tree, per commit.
    let begun = false
    begin = () => {
      if (begun) return
      begun = true
      session.start({ sha: head.sha, branch: head.branch, dirty: null, tree: snapshot.tree })
      mark('ledger opened')
      // The light gates' modules load while Biome and the export run (they run inline next).
      runner.prefetch([...INLINE_STEP_NAMES].filter((name) => mayRun(io, name as GateName, expected)))
    }
  } catch (error) {
    runner.dispose()
    started?.objects.close()
    void started?.lint.then((lint) => lint?.dispose())
    return recordFailure(io, session, error)
  }
  const fix = fixing ? await fixing : undefined
  if (fix && fix.status !== 'passed') {
    runner.dispose()
    begin()
    return recordOutcomes(io, session, [fix], { hook: 'pre-commit', files: 0, snapshotMs: 0 })
  }
  return gateAndRecord(io, session, snapshot, {
    hook: 'pre-commit',
    runner,
    objects: started?.objects,
    earlyLint: started?.lint,
    configCache: configCachePath(gitDir),
    expected: expected?.config,
    before: fix ? [fix] : [],
    mayFix: true,
    begin,
  })
}

/**
 * Re-gates commits after the fact (`hook gate <rev|range>…`): the same steps on each commit's
 * own bytes and the files it changed. A pass links the commit to the new session, so a commit
 * made with --no-verify or HUSKY=0 stops being ungated once its content has been checked.
 */
export async function gateCommits(io: HookIo, revs: readonly string[]): Promise<number> {
  const options = { cwd: io.cwd, env: io.env }
  const head = await headInfo(options)
  let worst: number = EXIT.ok
  for (const sha of await expandRevs(revs, io)) {
    const snapshot = await commitSnapshot(sha, options)
    const session = new HookSession({
      kind: 'pre-commit',
      command: `gate ${sha}`,
      argv: io.argv,
      warn: (line) => hookLine(io, line),
    })
    session.start({ sha: snapshot.source, branch: head.branch, dirty: null, tree: snapshot.tree })
    hookLine(io, `codex-gates: gating commit ${sha.slice(0, 12)}`)
    const link = (passed: boolean) => {
      if (!passed) return
      session.add('commits', {
        sha: snapshot.source,
        tree: snapshot.tree,
        session_id: session.id,
        linked_at: new Date().toISOString(),
      })
    }
    const runner = startRunner(io)
    needWorker(io, runner, snapshot.changed)
    const code = await gateAndRecord(io, session, snapshot, {
      hook: 'gate',
      runner,
      configCache: configCachePath(head.gitDir),
      beforeFinish: link,
    })
    worst = Math.max(worst, code)
  }
  return worst
}

// --- internal ---

interface GateOptions {
  hook: string
  runner: GateRunner
  /** A cat-file reader started early (pre-commit-start.ts); else the export starts its own. */
  objects?: ObjectReader
  /** Biome started before this module loaded (early-lint.ts): adopted when the plan matches. */
  earlyLint?: Promise<EarlyLint | undefined>
  configCache: string
  /** The config cached for the snapshot's codex-gates.json, when known: its baselines export early. */
  expected?: GatesConfig
  /** Outcomes of steps that ran before the snapshot (the opt-in fix step). */
  before?: StepOutcome[]
  beforeFinish?: (passed: boolean) => void
  /** Let fixer hooks rewrite files (`pre_commit.fix`): only the pre-commit hook, never when re-gating commits. */
  mayFix?: boolean
  /** Opens the ledger and writes the running row, once the steps' processes run (idempotent). */
  begin?: () => void
}

async function gateAndRecord(
  io: HookIo,
  session: HookSession,
  snapshot: Snapshot,
  options: GateOptions,
): Promise<number> {
  const skip = parseSkip(envValue('SKIP', io.env), PRE_COMMIT_STEP_NAMES)
  let result: Awaited<ReturnType<typeof gateSnapshot>>
  try {
    result = await gateSnapshot({
      git: { cwd: io.cwd, env: io.env },
      snapshot,
      skip,
      runner: options.runner,
      objects: options.objects,
      earlyLint: options.earlyLint,
      configCache: options.configCache,
      expected: options.expected,
      who: () => whoAmI({ cwd: io.cwd, env: io.env }),
      signal: io.signal,
      onTempDir: io.onTempDir,
      onStarted: options.begin,
    })
  } catch (error) {
    options.begin?.()
    return recordFailure(io, session, error, options.hook)
  }
  options.begin?.()
  mark('steps done')
  // SKIP may also name command gates and pre-commit hooks, known only once the config is read.
  const declared = new Set(result.configGateNames)
  const known = [...PRE_COMMIT_STEP_NAMES, ...result.configGateNames]
  const unknown = unknownSkipWarning(
    skip.unknown.filter((u) => !declared.has(u.name)),
    known,
  )
  if (unknown) hookLine(io, unknown)
  if (options.mayFix && result.fix && result.fixes.size > 0) {
    const fixed = await applyFixes(result.fixes, snapshot, { cwd: io.cwd, env: io.env })
    const lines = [
      ...(fixed.fixed.length > 0
        ? [`codex-gates: fixed and staged ${fixed.fixed.join(', ')}; review and commit again`]
        : []),
      ...fixed.left.map((l) => `codex-gates: did not fix ${l.path}: ${l.reason}`),
    ]
    for (const line of lines) hookLine(io, line)
    session.event({ role: 'system', level: 'info', message: lines.join('\n'), data: { step: 'fix', ...fixed } })
  }
  session.event({
    role: 'system',
    message: `snapshot of ${snapshot.source === 'index' ? 'the index' : snapshot.source} (tree ${snapshot.tree.slice(0, 12)}): ${result.files} changed files, ${result.exported} exported in ${Math.round(result.snapshotMs)} ms`,
    data: {
      step: 'snapshot',
      tree: snapshot.tree,
      changed: result.files,
      exported: result.exported,
      sparse: result.sparse,
      duration_ms: Math.round(result.snapshotMs),
      timeline: timeline(),
    },
  })
  return recordOutcomes(io, session, [...(options.before ?? []), ...result.outcomes], {
    hook: options.hook,
    files: result.files,
    snapshotMs: result.snapshotMs,
    beforeFinish: options.beforeFinish,
  })
}

/**
 * The gate runner. The light scans run on this thread when their inputs are small (no worker:
 * ~100 ms of CPU saved), so a worker is started before anything else only for python-lint when a
 * Python file may be staged (outside the folders the index's cache-tree still knows), where
 * ruff's WebAssembly warm-up should overlap git and the ledger; the snapshot then says whether it
 * (or docs-links) is needed at all (`needWorker`).
 */
function startRunner(io: HookIo, expected?: ExpectedConfig): GateRunner {
  const early =
    mayRun(io, 'python-lint', expected) && (expected ? expected.maybeChanged.some((p) => PYTHON_SOURCE.test(p)) : true)
  return new GateRunner(early ? ['python-lint'] : [], [], INLINE_STEP_NAMES)
}

/** Starts (or keeps) the worker for the worker-only steps the changed files call for; else stops the early one. */
function needWorker(io: HookIo, runner: GateRunner, changed: readonly string[], expected?: ExpectedConfig): void {
  const python = mayRun(io, 'python-lint', expected) && changed.some((p) => PYTHON_SOURCE.test(p))
  const docs = mayRun(io, 'docs-links', expected) && changed.some((p) => MARKDOWN.test(p))
  if (!python && !docs) runner.dispose()
  else runner.need([...(python ? ['python-lint'] : []), ...(docs ? ['docs-links'] : [])], python ? ['python-lint'] : [])
}

/** Whether a step may run: not skipped, and enabled as far as the cached config tells (unknown: yes). */
function mayRun(io: HookIo, name: GateName, expected?: ExpectedConfig): boolean {
  const skip = parseSkip(envValue('SKIP', io.env), PRE_COMMIT_STEP_NAMES).skip
  return !skip.has(name) && (expected?.config.gates[name].enabled ?? true)
}

interface ExpectedConfig {
  config: GatesConfig
  /** The index's paths that may differ from HEAD (outside the folders its cache-tree still knows). */
  maybeChanged: readonly string[]
}

/**
 * The config this commit's run will resolve, read before git is asked anything: the cached one
 * for the index's codex-gates.json blob, in a plain repository committing its own index (not
 * `git commit -a`'s temporary one). Only a guess for what to start early: the run resolves the
 * config from the snapshot itself, and a gate the guess left out still runs (in a worker then).
 */
function expectedConfig(io: HookIo): ExpectedConfig | undefined {
  const dotGit = join(io.cwd, '.git')
  const indexFile = setting('GIT_INDEX_FILE', io.env)
  if (indexFile !== undefined && resolve(io.cwd, indexFile) !== join(dotGit, 'index')) return undefined
  try {
    if (!statSync(dotGit).isDirectory()) return undefined
    const index = readGitIndex(io.cwd)
    if (!index) return undefined
    const file = CONFIG_FILES.find((f) => index.entries.has(f))
    const blob = file ? index.entries.get(file)?.oid : undefined
    const config = cachedHookConfig(blob, configCachePath(realpathSync(dotGit)), io.env)
    if (!config) return undefined
    const valid = index.validTrees
    const paths = [...index.entries.keys()]
    return { config, maybeChanged: valid ? paths.filter((p) => !valid.has(folderOf(p))) : paths }
  } catch {
    return undefined
  }
}

/** Validated gate configs are cached in the git dir: per repository, never in the work tree. */
function configCachePath(gitDir: string): string {
  return join(gitDir, 'codex-gates', 'hook-config.json')
}

async function expandRevs(revs: readonly string[], io: HookIo): Promise<string[]> {
  const shas: string[] = []
  for (const rev of revs) {
    const args = rev.includes('..') ? ['rev-list', '--reverse', rev] : ['rev-parse', '--verify', `${rev}^{commit}`]
    const result = await git(args, { cwd: io.cwd, env: io.env })
    if (result.code !== 0) {
      throw new UserError(
        'BAD_REV',
        `${HOOK_COMMAND} gate: "${rev}" is not a commit or range here (${result.stderr.trim() || 'unknown revision'})`,
        `give a commit (abc1234, HEAD~2) or a range (origin/main..HEAD); see \`${userCommand('ledger ungated')}\``,
      )
    }
    shas.push(...result.stdout.split('\n').filter(Boolean))
  }
  return [...new Set(shas)]
}

function folderOf(path: string): string {
  const slash = path.lastIndexOf('/')
  return slash === -1 ? '' : path.slice(0, slash)
}
