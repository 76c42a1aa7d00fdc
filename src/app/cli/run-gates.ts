import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { gatesStage } from '../../adapters/vitest/gates-setup.ts'
import { GATE_STAGES, type GateStage } from '../../domain/gates/command/command-config.ts'
import { GATE_NAMES, type GateName, type GatesConfig, loadGatesConfig } from '../../domain/gates/gates-config.ts'
import { gateCachePath } from '../../domain/gates/result-cache.ts'
import { cachedGateRun, type GateRun } from '../../domain/gates/run-gate.ts'
import { type TreeView, treeView } from '../../domain/gates/tree-view.ts'
import { defineCommand } from '../../foundation/cli/define-command.ts'
import type { Io } from '../../foundation/cli/io.ts'
import { nearest } from '../../foundation/cli/nearest.ts'
import { EXIT, UserError } from '../../foundation/errors/user-error.ts'
import { rememberCommitTree } from '../../foundation/fs/commit-trees.ts'
import { digestMemoPath, loadDigestMemo, saveDigestMemo } from '../../foundation/fs/digest-memo.ts'
import { envValue } from '../../foundation/settings/env-value.ts'
import type { Ledger } from '../../ledger/ledger.ts'
import { type GitInfo, gitInfoAsync, gitInfoFromFiles } from '../../ledger/session-info.ts'
import { gatedRoot } from './gated-root.ts'
import { gatesSummary } from './gates-summary.ts'
import type { DeclaredResult } from './run-declared-gates.ts'

/** `codex-gates run`: every enabled gate of the repository, as the Vitest project `gates`. */
export const runCommandDef = defineCommand({
  name: 'run',
  summary: "run the repository's gates (the Vitest project `gates`); results in the ledger",
  description: [
    'When every selected built-in gate is skipped or its inputs are unchanged since it last passed,',
    'Vitest does not start: the gates the repository declares (command gates, pre-commit hooks) run',
    'in this process, cached ones reused, and the session is recorded as Vitest would record it;',
    'otherwise Vitest runs the built-in gates that need it and the declared ones, and the session',
    'records the reused ones beside them.',
  ].join('\n'),
  options: {
    root: { type: 'string', valueName: 'dir', description: 'the repository to gate (default: the git root here)' },
    'no-cache': {
      type: 'boolean',
      description: 'run gates whose inputs are unchanged instead of reusing their result',
    },
    gate: { type: 'string', multiple: true, valueName: 'name', description: 'run only this gate (repeatable)' },
    stage: {
      type: 'string',
      valueName: 'stage',
      choices: GATE_STAGES,
      description: 'which command gates and pre-commit hooks run: ci (default), push, commit or manual',
    },
    shard: {
      type: 'string',
      valueName: 'i/N',
      description:
        "run shard i of N of the repository's Vitest config into a blob (needs --blob-dir; docs/sharding.md)",
    },
    'blob-dir': { type: 'string', valueName: 'dir', description: "with --shard: the folder for this shard's blob" },
    balanced: { type: 'boolean', description: 'with --shard: the files `codex-gates plan-shards N` gave this shard' },
    plan: {
      type: 'string',
      valueName: 'file',
      description: 'with --balanced: the plan (default .codex/shard-plan.json)',
    },
    host: {
      type: 'string',
      valueName: 'name',
      description: "with --shard: the host on this shard's rows (default hostname)",
    },
    project: {
      type: 'string',
      multiple: true,
      valueName: 'name',
      description: 'with --shard: only this Vitest project',
    },
    coverage: { type: 'boolean', description: 'with --shard: collect coverage (thresholds are checked at the merge)' },
  },
  examples: [
    '',
    '--gate secrets --gate docs-links',
    '--root ../other-repo',
    '--shard 2/4 --blob-dir .codex/blobs --balanced',
  ],
  run: async ({ options, io }) => {
    const root = gatedRoot(io.cwd, options.root)
    if (options.shard !== undefined) {
      const { runShard } = await import('./run-shard.ts')
      return runShard(
        root,
        {
          shard: options.shard,
          blobDir: options['blob-dir'],
          balanced: options.balanced ?? false,
          plan: options.plan,
          host: options.host,
          projects: options.project,
          coverage: options.coverage ?? false,
        },
        io,
      )
    }
    const startedAt = performance.now()
    const config = loadGatesConfig(root, io.env) // a bad config is exit 2 before anything runs
    const { builtIn, declared, hooks } = selectedGates(options.gate, config, root)
    await assertHooksDeclared(hooks, root, config)
    const noCache = options['no-cache'] || envValue('CODEX_GATES_NO_CACHE', io.env) === '1'
    // The tree is listed, and each file hashed from git's index stat data, once for all gates;
    // files outside the index (installed packages) by the digests of earlier runs where unchanged.
    const memo = digestMemoPath(gateCachePath(io.env, root))
    loadDigestMemo(memo)
    const tree = treeView(root, config.files)
    // HEAD, branch and dirtiness from .git's files and that listing when they settle it, else from
    // git processes: asked now, answered while the keys are computed.
    // git's own answer (a packed HEAD) is remembered for the next run's gitInfoFromFiles.
    const git = Promise.resolve(gitInfoFromFiles(root, tree.unchangedSince, io.env) ?? gitInfoAsync(root)).then(
      (info) => {
        if (info.sha && info.tree) rememberCommitTree(info.sha, info.tree)
        return info
      },
    )
    git.catch(() => {}) // unused when Vitest runs (its reporter asks again)
    const known = await reusable(builtIn, tree, root, config, io.env, !noCache)
    const missing = builtIn.filter((_, i) => !known[i])
    const reused = known.filter((r): r is GateRun => r !== undefined)
    const stage = (options.stage as GateStage | undefined) ?? gatesStage(io.env)
    // No built-in gate to scan: the declared ones (command gates, pre-commit hooks) run here, in
    // this process, with their own result cache; Vitest never starts.
    if (missing.length === 0) {
      const run = { root, config, stage, noCache, asked: declared ? declaredAsked(options.gate) : undefined }
      const info = await git
      saveDigestMemo(memo)
      return runWithoutVitest(run, reused, { git: info, startedAt }, io)
    }
    saveDigestMemo(memo)
    return runVitest(
      root,
      config,
      { missing, declared, asked: options.gate },
      reused,
      { noCache, stage: options.stage },
      io,
    )
  },
})

// --- internal ---

/**
 * The built-in gates to run, and whether gates the repository declares (command gates in
 * codex-gates.json, `.pre-commit-config.yaml` hooks) are among those selected. `--gate` names
 * either kind; a declared gate is known by its config key or `pre-commit:<hook id>`.
 */
function selectedGates(
  asked: readonly string[],
  config: GatesConfig,
  root: string,
): { builtIn: GateName[]; declared: boolean; hooks: string[] } {
  const hasDeclared =
    Object.keys(config.commands).length > 0 ||
    (config.preCommit.enabled && existsSync(join(root, config.preCommit.config)))
  if (asked.length === 0) return { builtIn: [...GATE_NAMES], declared: hasDeclared, hooks: [] }
  const builtIn = new Set<GateName>()
  const hooks: string[] = []
  let declared = false
  for (const name of asked) {
    if ((GATE_NAMES as readonly string[]).includes(name)) builtIn.add(name as GateName)
    else if (name in config.commands) declared = true
    else if (name.startsWith('pre-commit:')) {
      hooks.push(name)
      declared = true
    } else {
      const known = [...GATE_NAMES, ...Object.keys(config.commands)]
      const close = nearest(name, known)
      throw new UserError(
        'BAD_FLAG',
        `codex-gates run: --gate ${name}: no such gate`,
        `${close ? `did you mean --gate ${close}? ` : ''}gates: ${known.join(', ')}`,
      )
    }
  }
  return { builtIn: [...builtIn], declared, hooks }
}

/**
 * `--gate pre-commit:<id>` must name a hook of the pre-commit config (it would otherwise run
 * nothing and pass). Not checked when the config does not parse: the run reports that itself.
 */
async function assertHooksDeclared(names: readonly string[], root: string, config: GatesConfig): Promise<void> {
  if (names.length === 0) return
  const { declaredHookNames } = await import('../../domain/gates/pre-commit/plan-pre-commit-gates.ts')
  const hooks = declaredHookNames(root, config.preCommit)
  const name = names.find((n) => !hooks?.includes(n))
  if (name === undefined) return
  const file = config.preCommit.config
  if (!config.preCommit.enabled || !existsSync(join(root, file)))
    throw new UserError(
      'BAD_FLAG',
      `codex-gates run: --gate ${name}: there is no ${file} here${config.preCommit.enabled ? '' : ' (pre_commit is off in codex-gates.json)'}`,
      'name a built-in gate or a command gate of codex-gates.json',
    )
  if (!hooks || hooks.includes(name)) return
  const close = nearest(name, hooks)
  throw new UserError(
    'BAD_FLAG',
    `codex-gates run: --gate ${name}: no such hook in ${file}`,
    `${close ? `did you mean --gate ${close}? ` : ''}its hooks: ${hooks.join(', ') || 'none'}`,
  )
}

/** Each gate's result if it needs no scan (skipped, or cached from a passed run), else undefined. */
function reusable(
  names: readonly GateName[],
  tree: TreeView,
  root: string,
  config: GatesConfig,
  env: NodeJS.ProcessEnv,
  useCache: boolean,
) {
  return Promise.all(names.map((name) => cachedGateRun(name, { root, config, env, tree, useCache })))
}

/** The declared gates `--gate` names (all of them when it names none). */
function declaredAsked(asked: readonly string[]): ReadonlySet<string> | 'all' {
  if (asked.length === 0) return 'all'
  return new Set(asked.filter((g) => !(GATE_NAMES as readonly string[]).includes(g)))
}

interface InProcessRun {
  root: string
  config: GatesConfig
  stage: GateStage
  noCache: boolean
  /** Which declared gates run: all, those named, or none (undefined: none selected). */
  asked: ReadonlySet<string> | 'all' | undefined
}

async function runWithoutVitest(
  run: InProcessRun,
  reused: GateRun[],
  session: { git: GitInfo; startedAt: number },
  io: Io,
): Promise<number> {
  const [{ recordGatesSession, gateRunCase, specFileIn }, { gateSpecsDir }, declaredModule, renderReports] =
    await Promise.all([
      import('./record-gates-session.ts'),
      import('../../adapters/vitest/gates-project.ts'),
      run.asked ? import('./run-declared-gates.ts') : undefined,
      reportRenderer(io),
    ])
  const { root, config } = run
  const specs = gateSpecsDir()
  const specFile = specFileIn(root, specs.dir, specs.include[0]?.endsWith('.js') ? 'js' : 'ts')
  const sessionId = randomUUID()
  // What the gates project hands its workers (gatesProject's env), so the tools see the same.
  const env = {
    ...io.env,
    GATES_ROOT: root,
    CODEX_GATES_STAGE: run.stage,
    ...(run.noCache ? { CODEX_GATES_NO_CACHE: '1' } : {}),
  }
  // Ctrl-C (or SIGTERM, SIGHUP) stops the tools; the session is still written, as `interrupted`.
  const stop = new AbortController()
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) process.exit(EXIT.interrupted) // a second signal: leave now
    io.stderr(`\ncodex-gates: ${signal}: stopping the gates; the session is recorded as interrupted\n`)
    stop.abort()
  }
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']
  for (const s of signals) process.on(s, onSignal)
  let declared: DeclaredResult[] = []
  try {
    declared = declaredModule
      ? await declaredModule.runDeclaredGates(
          { root, config, stage: run.stage },
          env,
          sessionId,
          specFile('commands'),
          run.asked === 'all' ? undefined : run.asked,
          stop.signal,
        )
      : []
  } finally {
    for (const s of signals) process.off(s, onSignal)
  }
  const interrupted = stop.signal.aborted
  const cases = [...reused.map((r) => gateRunCase(r, specFile(r.gate), config.files)), ...declared.map((d) => d.case)]
  recordGatesSession({
    root,
    sessionId,
    cases,
    argv: process.argv.slice(2),
    git: session.git,
    startedAt: session.startedAt,
    warn: (line) => io.stderr(`${line}\n`),
    env: io.env,
    interrupted,
    // The summary, then the reports read through the connection that wrote the session (one
    // ledger open a run, not two).
    recorded: (connection) => {
      io.stdout(gatesSummary(cases, new Map(declared.map((d) => [d.case.name, d.blocking])), sessionId))
      renderReports?.(root, sessionId, connection)
    },
  })
  const failed = cases.filter((c) => c.state === 'failed').length
  if (interrupted) return EXIT.interrupted
  return failed > 0 ? EXIT.failed : EXIT.ok
}

interface VitestSelection {
  /** Built-in gates whose results are not reusable. */
  missing: GateName[]
  /** Whether declared gates (commands.gate) run too. */
  declared: boolean
  /** What --gate named (empty: everything). */
  asked: readonly string[]
}

async function runVitest(
  root: string,
  config: GatesConfig,
  selection: VitestSelection,
  reused: GateRun[],
  flags: { noCache: boolean; stage: string | undefined },
  io: Io,
): Promise<number> {
  const [{ loadVitest }, { gatesProject, gateSpecsDir }, reporterModule, { gateRunCase, specFileIn }] =
    await Promise.all([
      import('./load-vitest.ts'),
      import('../../adapters/vitest/gates-project.ts'),
      import('../../adapters/reporter/ledger-reporter.ts'),
      import('./record-gates-session.ts'),
    ])
  const env: Record<string, string> = { GATES_ROOT: root }
  if (flags.noCache) env.CODEX_GATES_NO_CACHE = '1'
  if (flags.stage !== undefined) env.CODEX_GATES_STAGE = flags.stage
  const declaredAsked = selection.asked.filter((g) => !(GATE_NAMES as readonly string[]).includes(g))
  // commands.gate plans only the declared gates asked for, as the in-process run does.
  if (selection.asked.length > 0) env.CODEX_GATES_DECLARED = JSON.stringify(declaredAsked)
  const specs = gateSpecsDir()
  const specFile = specFileIn(root, specs.dir, specs.include[0]?.endsWith('.js') ? 'js' : 'ts')
  const { node } = await loadVitest(root)
  const reporter = new reporterModule.default({
    preRecorded: reused.map((r) => gateRunCase(r, specFile(r.gate), config.files)),
  })
  if (reused.length > 0) io.stdout(` reused from the cache: ${reused.map((r) => r.gate).join(', ')}\n`)
  const before = process.exitCode
  process.exitCode = undefined
  // Built-in gates are files of their own; declared gates are tests of commands.gate.
  const filters = [...selection.missing.map((g) => `${g}.gate.`), ...(selection.declared ? ['commands.gate.'] : [])]
  const names = [...selection.missing, ...declaredAsked].map((g) => g.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  const vitest = await node.startVitest(
    'test',
    filters,
    {
      root,
      config: false,
      watch: false,
      project: ['gates'],
      reporters: ['default', reporter],
      ...(selection.asked.length > 0 ? { testNamePattern: `^(?:${names.join('|')})$` } : {}),
    },
    { test: { projects: [gatesProject(root, { env })] } },
  )
  await vitest?.close()
  const code = process.exitCode ?? (vitest ? EXIT.ok : EXIT.failed)
  process.exitCode = before
  return Number(code)
}

/**
 * What renders a session's reports after the run (its modules loaded now, while the gates run),
 * reading through the run's own ledger connection when it has one; undefined with CODEX_REPORTS=0.
 */
async function reportRenderer(
  io: Io,
): Promise<((root: string, sessionId: string, connection: Ledger | undefined) => void) | undefined> {
  if (envValue('CODEX_REPORTS', io.env) === '0') return undefined
  const [{ renderAfterRun }, { resolveLedgerPath, DEFAULT_LEDGER_PATH }] = await Promise.all([
    import('../../domain/report/render-after-run.ts'),
    import('../../ledger/ledger-path.ts'),
  ])
  return (root, sessionId, connection) => {
    const ledgerPath = resolveLedgerPath(envValue('CODEX_LEDGER', io.env) ?? join(root, DEFAULT_LEDGER_PATH), io.env)
    const result = renderAfterRun({
      ledgerPath,
      sessionId,
      reportsDir: envValue('CODEX_REPORTS_DIR', io.env) ?? join(root, 'reports'),
      ...(connection ? { connection } : {}),
    })
    if (!result.ok) io.stderr(`codex-gates: reports not rendered: ${result.error}\n`)
  }
}
