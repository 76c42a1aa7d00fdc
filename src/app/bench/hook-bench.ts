import { spawnSync } from 'node:child_process'
import {
  appendFileSync,
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { PACKAGE_ROOT } from '../../domain/gates/repo-files.ts'
import { HUSKY_STUB, speedUpHusky } from '../../foundation/build/husky-runtime.mjs'
import type { OptionDefs, OptionValues } from '../../foundation/cli/define-command.ts'
import { UserError } from '../../foundation/errors/user-error.ts'
import { openLedger } from '../../ledger/open-ledger.ts'
import type { BenchResult, BenchRow } from './bench-report.ts'
import { defineBench } from './define-bench.ts'
import { awaitStandby, stopStandby } from './standby-waits.ts'
import { median, round2 } from './stats.ts'

/** The commit-time budget the issue sets for a one-file change (ms, median). */
const TARGET_MS = 1000
/** The target: the whole hook at most half of lint-staged's own overhead. */
const LINT_STAGED_RATIO = 0.5
/** The file the one-file change touches (a comment appended, so every step has work and passes). */
const CHANGED = 'src/ledger/ledger.ts'
/** The read-only gates the hook runs on a .ts change (docs-links only runs for Markdown). */
const SCANS = ['secrets', 'env-files', 'large-files', 'placeholders']

const OPTIONS = {
  runs: { type: 'integer', valueName: 'n', default: 10, description: 'timed runs of each variant (at least 1)' },
  'npx-runs': { type: 'integer', valueName: 'n', description: 'runs of the separate npx commands (default: --runs)' },
  against: {
    type: 'string',
    valueName: 'dir',
    description:
      'another checkout of codex-gates (an older commit, its hook bundle built): its pre-commit hook runs in the same rounds, on the same change (before/after)',
  },
} as const satisfies OptionDefs

/**
 * `npm run bench -- hook`: wall time of the pre-commit hook for a one-file change in a copy of this
 * repository (tracked and untracked, not ignored), as git runs it (husky's wrapper, `sh`, node),
 * over ≥ 10 runs, with the per-step breakdown read back from the ledger. Interleaved in the same
 * rounds, so machine noise hits all alike: the hook through tsx instead of the bundle, the same
 * checks as separate cold `npx` commands, and a whole `git commit` (pre- and post-commit). Each
 * round also lint-staged with a no-op task on the same change (its own overhead; the target
 * is the hook at most half of it); once, a full `tsc --noEmit` (the type-check-in-the-hook decision).
 */
export const hookBench = defineBench({
  name: 'hook',
  summary: "the pre-commit hook's wall time for a one-file change, step by step, against its alternatives",
  options: OPTIONS,
  measure: measureBench,
})

async function measureBench(values: OptionValues<typeof OPTIONS>): Promise<BenchResult> {
  const { runs } = values
  const npxRuns = values['npx-runs'] ?? runs
  if (runs < 1) throw new UserError('BAD_FLAG', '--runs must be at least 1', 'e.g. --runs 10')
  const against = values.against === undefined ? undefined : resolve(values.against)
  if (against !== undefined && !existsSync(join(against, '.husky', 'launch.mjs')))
    throw new UserError(
      'BAD_FLAG',
      `--against ${values.against}: no .husky/launch.mjs there`,
      'give a checkout of codex-gates, e.g. `git worktree add /tmp/before <commit>` with node_modules linked',
    )
  const work = mkdtempSync(join(tmpdir(), 'bench-hook-'))
  try {
    const repo = copyRepository(work)
    const hooks = installHooks(work)
    const otherHooks = against === undefined ? undefined : installHooks(join(work, 'against'), against)
    const env = benchEnv(work)
    git(repo, env, ['config', 'core.hooksPath', join(hooks, '_')])
    appendFileSync(join(repo, CHANGED), '// bench: a one-line change\n')
    git(repo, env, ['add', CHANGED])
    // Each variant records into its own ledger, so the step breakdown is the bundled hook's alone.
    const ledgers = {
      warm: join(work, 'warm.db'),
      bundle: join(work, 'bundle.db'),
      cold: join(work, 'cold.db'),
      other: join(work, 'other.db'),
    }
    const preCommit = (ledger: string, from = hooks, standby = '1') => {
      const run = timed(() =>
        spawnSync('sh', [join(from, '_', 'pre-commit')], {
          cwd: repo,
          env: { ...env, CODEX_LEDGER: ledger, CODEX_HOOK_STANDBY: standby },
          stdio: 'pipe',
        }),
      )
      if (from === hooks && standby === '1') awaitStandby(repo)
      return run
    }
    // Warm-up, not counted: builds the bundle if stale and fills the validated-config cache.
    const warm = preCommit(ledgers.warm)
    if (warm.code !== 0) throw new Error(`BUG: the pre-commit hook fails on the bench change: ${warm.output}`)
    const warmOther = otherHooks ? preCommit(ledgers.warm, otherHooks) : undefined
    if (warmOther && warmOther.code !== 0)
      throw new UserError('BAD_FLAG', `--against ${against}: its pre-commit hook fails here`, warmOther.output.trim())
    const other = { ...env, CODEX_LEDGER: ledgers.other }

    const samples: Record<string, number[]> = {
      bundle: [],
      cold: [],
      against: [],
      lintStaged: [],
      tsx: [],
      npx: [],
      commit: [],
    }
    const noOp = join(work, 'lint-staged.config.mjs')
    writeFileSync(noOp, "export default { '*': () => 'true' }\n")
    for (let i = 0; i < Math.max(runs, npxRuns); i++) {
      if (i < runs) samples.bundle?.push(preCommit(ledgers.bundle).ms)
      if (i < runs) samples.cold?.push(preCommit(ledgers.cold, hooks, '0').ms)
      if (i < runs && otherHooks) samples.against?.push(preCommit(ledgers.other, otherHooks).ms)
      if (i < runs) samples.lintStaged?.push(lintStagedOnce(repo, other, noOp))
      if (i < runs)
        samples.tsx?.push(timed(() => spawnSync('sh', [join(hooks, '_', 'pre-commit')], tsxOptions(repo, other))).ms)
      if (i < npxRuns) samples.npx?.push(npxChecks(repo, other))
      if (i < runs) samples.commit?.push(commitOnce(repo, other))
    }
    stopStandby(repo, [join(PACKAGE_ROOT, '.husky', 'launch.cjs')], env)
    symlinkSync(join(PACKAGE_ROOT, 'node_modules'), join(repo, 'node_modules')) // tsc needs the types
    const tsc = timed(() =>
      spawnSync(join(PACKAGE_ROOT, 'node_modules', '.bin', 'tsc'), ['--noEmit', '-p', 'tsconfig.json'], {
        cwd: repo,
        env,
        stdio: 'pipe',
      }),
    )
    const steps = stepBreakdown(ledgers.bundle)
    const bundle = median(samples.bundle ?? [])
    const cold = median(samples.cold ?? [])
    const npx = median(samples.npx ?? [])
    const lintStaged = median(samples.lintStaged ?? [])
    const vsLintStaged = bundle / lintStaged
    const measured: BenchRow[] = [
      summary('pre-commit hook, bundled runner (as installed: its standby answers)', samples.bundle ?? []),
      summary('pre-commit hook, no standby (CODEX_HOOK_STANDBY=0: a first commit)', samples.cold ?? []),
      ...(against ? [summary(`pre-commit hook of ${against} (--against), same rounds`, samples.against ?? [])] : []),
      summary('pre-commit hook, runner through tsx (no bundle)', samples.tsx ?? []),
      summary(`same checks as cold npx commands (biome + ${SCANS.length} gate scans)`, samples.npx ?? []),
      summary('git commit, pre-commit + post-commit hooks', samples.commit ?? []),
      summary('lint-staged alone, no-op task, same change (its own overhead)', samples.lintStaged ?? []),
      {
        variant: `tsc --noEmit on the copy (typecheck in the hook?)${tsc.code === 0 ? '' : ' (found type errors)'}`,
        runs: 1,
        median_ms: Math.round(tsc.ms),
      },
    ]
    const rows: BenchRow[] = [
      ...measured.map((r) => ({ ...r, ratio: round2(Number(r.median_ms) / bundle) })),
      ...steps.map((s) => ({ variant: `  ${s.step}`, runs: s.runs, median_ms: s.median_ms })),
    ]
    return {
      name: 'hook',
      rows,
      targets: [
        {
          target: `pre-commit hook median <= ${TARGET_MS} ms (one-file change)`,
          value: bundle,
          met: bundle <= TARGET_MS,
        },
        {
          target: `pre-commit hook <= ${LINT_STAGED_RATIO}x lint-staged with a no-op task (medians, same rounds)`,
          value: round2(vsLintStaged),
          met: vsLintStaged <= LINT_STAGED_RATIO,
        },
      ],
      notes: [
        `one-file change: ${CHANGED} in a copy of this repository; ${runs} runs per variant, interleaved; ratio = median / bundled hook`,
        `bundled hook / lint-staged no-op = ${round2(vsLintStaged)} (lint-staged run on the same staged change, in the same rounds)`,
        `the hook is answered by the standby the commit before left (src/app/hook/standby-serve.ts); the bench waits for that standby to listen before the next run, so its start never overlaps a timed run; without one (the first commit, or 15 min after the last) the hook / lint-staged no-op = ${round2(cold / lintStaged)}`,
        ...(against
          ? [
              `--against ${against}: its hook / lint-staged no-op = ${round2(median(samples.against ?? []) / lintStaged)}; this hook / it = ${round2(bundle / median(samples.against ?? []))}`,
            ]
          : []),
        `cold npx = each check its own \`npx\` process, as a naive lint-staged config would run them: ${round2(npx / bundle)}x the bundled hook`,
        `typecheck stays out of the hook: a full tsc --noEmit takes ${Math.round(tsc.ms)} ms (${round2(tsc.ms / TARGET_MS)}x the whole budget)`,
        'indented rows: the bundled hook (standby) runs only; a step name is its median from the ledger events, "(at) X" is when the hook process reached X (ms since it started)',
        'figures from a shared 2-core machine; compare ratios within this run, not across runs',
      ],
      extra: { samples, steps },
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

// --- internal ---

interface Timed {
  ms: number
  code: number
  output: string
}

function timed(run: () => ReturnType<typeof spawnSync>): Timed {
  const started = performance.now()
  const r = run()
  return { ms: performance.now() - started, code: r.status ?? 128, output: `${r.stdout ?? ''}${r.stderr ?? ''}` }
}

function summary(variant: string, samples: number[]): BenchRow {
  const sorted = [...samples].sort((a, b) => a - b)
  return {
    variant,
    runs: samples.length,
    median_ms: Math.round(median(samples)),
    min_ms: Math.round(sorted[0] ?? 0),
    max_ms: Math.round(sorted.at(-1) ?? 0),
  }
}

/** Tracked and untracked (not ignored) files of this repository, committed into a fresh repo. */
function copyRepository(work: string): string {
  const repo = join(work, 'repo')
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: PACKAGE_ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  for (const path of listed.stdout.split('\0').filter(Boolean)) {
    mkdirSync(dirname(join(repo, path)), { recursive: true })
    try {
      copyFileSync(join(PACKAGE_ROOT, path), join(repo, path))
    } catch {
      // deleted in the work tree since it was tracked
    }
  }
  const env = benchEnv(work)
  git(repo, env, ['init', '-q', '-b', 'main'])
  git(repo, env, ['add', '-A'])
  git(repo, { ...env, HUSKY: '0' }, ['commit', '-q', '--no-verify', '-m', 'bench base'])
  return repo
}

/** husky's layout, pointing at the hook scripts of `root` (as the specs install them). */
function installHooks(work: string, root = PACKAGE_ROOT): string {
  const hooks = join(work, 'hooks')
  mkdirSync(join(hooks, '_'), { recursive: true })
  copyFileSync(join(PACKAGE_ROOT, 'node_modules', 'husky', 'husky'), join(hooks, '_', 'h'))
  for (const hook of ['pre-commit', 'post-commit']) {
    writeFileSync(join(hooks, '_', hook), HUSKY_STUB)
    chmodSync(join(hooks, '_', hook), 0o755)
    symlinkSync(join(root, '.husky', hook), join(hooks, hook))
  }
  for (const launcher of ['launch.mjs', 'launch.cjs'])
    if (existsSync(join(root, '.husky', launcher))) symlinkSync(join(root, '.husky', launcher), join(hooks, launcher))
  // As `npm install` leaves it (scripts/prepare-hooks.mjs), where that checkout does so.
  if (existsSync(join(root, 'src', 'foundation', 'build', 'husky-runtime.mjs'))) speedUpHusky(join(hooks, '_'))
  return hooks
}

function benchEnv(work: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const name of Object.keys(env))
    if (name.startsWith('GIT_') || name === 'HUSKY' || name === 'SKIP') delete env[name]
  writeFileSync(join(work, 'gitconfig'), '')
  return {
    ...env,
    CODEX_LEDGER: join(work, 'ledger.db'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: join(work, 'gitconfig'),
    GIT_AUTHOR_NAME: 'Bench',
    GIT_AUTHOR_EMAIL: 'bench@example.test',
    GIT_COMMITTER_NAME: 'Bench',
    GIT_COMMITTER_EMAIL: 'bench@example.test',
    XDG_CONFIG_HOME: work,
  }
}

function git(cwd: string, env: NodeJS.ProcessEnv, args: string[]): void {
  const r = spawnSync('git', args, { cwd, env, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`BUG: git ${args.join(' ')} failed in the bench: ${r.stderr}`)
}

function tsxOptions(repo: string, env: NodeJS.ProcessEnv) {
  return { cwd: repo, env: { ...env, CODEX_HOOK_RUNNER: 'tsx' }, stdio: 'pipe' as const }
}

/** The same checks the hook runs, each as its own cold `npx` process, one after another. */
function npxChecks(repo: string, env: NodeJS.ProcessEnv): number {
  const env2 = {
    ...env,
    CODEX_LEDGER: join(repo, '..', 'npx-ledger.db'),
    CODEX_GATES_REPORTS: join(repo, '..', 'reports'),
  }
  const options = { cwd: PACKAGE_ROOT, env: env2, stdio: 'pipe' as const }
  const started = performance.now()
  spawnSync('npx', ['--no-install', 'biome', 'check', join(repo, CHANGED)], options)
  for (const gate of SCANS) {
    spawnSync('npx', ['--no-install', 'tsx', 'scripts/gates.ts', 'scan', gate, CHANGED, '--root', repo], options)
  }
  return performance.now() - started
}

/** One `git commit` with both hooks, then undone (`reset --soft`) so every run commits the same change. */
function commitOnce(repo: string, env: NodeJS.ProcessEnv): number {
  const run = timed(() => spawnSync('git', ['commit', '-q', '-m', 'bench'], { cwd: repo, env, stdio: 'pipe' }))
  if (run.code !== 0) throw new Error(`BUG: the bench commit failed: ${run.output}`)
  git(repo, env, ['reset', '-q', '--soft', 'HEAD~1']) // before the next standby reads HEAD
  awaitStandby(repo)
  return run.ms
}

/**
 * lint-staged 16 with a no-op task on the same staged change in the same repository: what the
 * commit costs before any check runs when a hook goes through it (its config given with
 * --config, from outside the repository).
 */
function lintStagedOnce(repo: string, env: NodeJS.ProcessEnv, config: string): number {
  const bin = join(PACKAGE_ROOT, 'node_modules', 'lint-staged', 'bin', 'lint-staged.js')
  const run = timed(() => spawnSync(process.execPath, [bin, '--config', config], { cwd: repo, env, stdio: 'pipe' }))
  if (run.code !== 0) throw new Error(`BUG: lint-staged with a no-op task failed: ${run.output}`)
  return run.ms
}

/** Median time of each step, and of each milestone of the hook process, over the bench's sessions. */
function stepBreakdown(ledgerPath: string): { step: string; runs: number; median_ms: number }[] {
  const ledger = openLedger(ledgerPath, { readonly: true })
  try {
    const events = ledger.all<{ data_json: string }>(
      `SELECT e.data_json FROM events e JOIN sessions s ON s.id = e.session_id
        WHERE s.kind = 'pre-commit' AND s.status = 'passed' AND e.data_json IS NOT NULL`,
    )
    const byStep = new Map<string, number[]>()
    const add = (name: string, ms: number) => {
      const list = byStep.get(name)
      if (list) list.push(ms)
      else byStep.set(name, [ms])
    }
    for (const e of events) {
      const data = JSON.parse(e.data_json) as {
        step?: string
        status?: string
        duration_ms?: number
        timeline?: { label: string; ms: number }[]
      }
      if (data.step && data.status !== 'skipped' && typeof data.duration_ms === 'number')
        add(data.step, data.duration_ms)
      for (const m of data.timeline ?? []) add(`(at) ${m.label}`, m.ms)
    }
    return [...byStep].map(([step, values]) => ({ step, runs: values.length, median_ms: Math.round(median(values)) }))
  } finally {
    ledger.close()
  }
}
