import { execFile, execFileSync } from 'node:child_process'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { gatesConfigPath } from '../../domain/gates/gates-config.ts'
import { listRepoFiles, PACKAGE_ROOT } from '../../domain/gates/repo-files.ts'
import { binVersion, resolveBin } from '../../domain/gates/tool-version.ts'
import type { OptionDefs, OptionValues } from '../../foundation/cli/define-command.ts'
import { UserError } from '../../foundation/errors/user-error.ts'
import { openLedger } from '../../ledger/open-ledger.ts'
import type { BenchResult, BenchRow } from './bench-report.ts'
import { defineBench } from './define-bench.ts'
import { median } from './stats.ts'
import { gatesRunEnv, measureWarmPaths } from './warm-paths.ts'

interface GatesRun {
  seconds: number
  exitCode: number | null
  gates: { gate: string; status: string; duration_ms: number | null }[]
}

const OPTIONS = {
  repeats: { type: 'integer', valueName: 'n', default: 3, description: 'runs per figure (the median is reported)' },
  root: { type: 'string', valueName: 'dir', description: 'the repository to gate (default: this one)' },
  compiler: {
    type: 'string',
    multiple: true,
    valueName: 'path',
    description: 'also time with this tsc (e.g. TypeScript 7)',
  },
  live: { type: 'boolean', description: 'run on the live tree instead of a frozen snapshot' },
  'warm-only': {
    type: 'boolean',
    description: 'only the warm paths: codex-gates run without Vitest, the Vitest warm run, node -e 0',
  },
  against: {
    type: 'string',
    valueName: 'dir',
    description: "also time this checkout's built CLI (its dist/src/app/cli/main.cjs) in the same warm rounds",
  },
} as const satisfies OptionDefs

/**
 * `npm run bench -- gates`: wall time of `vitest run --project gates` on this repository (or
 * --root), cold (empty result cache) and warm (cache filled by the run before), each the median
 * of --repeats runs, as configured and with `--no-isolate`. --compiler PATH adds the same with
 * another tsc (e.g. TypeScript 7). Then the warm paths side by side (measureWarmPaths): a warm
 * `codex-gates run` that starts no Vitest, the warm Vitest run and `node -e 0`; --warm-only
 * measures just those.
 */
export const gatesBench = defineBench({
  name: 'gates',
  summary: 'wall time of the gates project cold and warm, and a warm codex-gates run (no Vitest) against node -e 0',
  options: OPTIONS,
  measure: measureBench,
})

async function measureBench(values: OptionValues<typeof OPTIONS>): Promise<BenchResult> {
  const { repeats } = values
  const source = resolve(values.root ?? PACKAGE_ROOT)
  const compilers = ['auto', ...values.compiler.map((c) => resolve(c))]
  const work = mkdtempSync(join(tmpdir(), 'bench-gates-'))
  // A frozen copy, so edits landing in the live tree between runs do not turn warm runs cold.
  const root = values.live ? source : snapshot(source, join(work, 'snapshot'))
  const rows: BenchRow[] = []
  const targets: NonNullable<BenchResult['targets']> = []
  const perGate: Record<string, unknown> = {}
  const notes: string[] = []
  try {
    // Each compiler with the gates project as configured, and with isolation off (one worker
    // process reused across gate files), measured side by side.
    for (const compiler of values['warm-only'] ? [] : compilers) {
      for (const vitestArgs of [[], ['--no-isolate']]) {
        const tsc = binVersion(resolveBin(root, 'tsc', compiler))
        const label = `${tsc}${vitestArgs.length ? `, ${vitestArgs.join(' ')}` : ''}`
        const configPath = compiler === 'auto' ? undefined : configWithCompiler(root, work, compiler)
        const fresh: GatesRun[] = []
        const cold: GatesRun[] = []
        const warm: GatesRun[] = []
        for (let r = 0; r < Math.max(1, repeats); r++) {
          // As a fresh clone's first run: Vitest's transform cache (fsModuleCache) empty as well.
          const noTransforms = ['--experimental.fsModuleCachePath', mkdtempSync(join(work, 'transforms-'))]
          fresh.push(
            await runGates(root, mkdtempSync(join(work, 'run-')), configPath, [...vitestArgs, ...noTransforms]),
          )
          const dir = mkdtempSync(join(work, 'run-'))
          cold.push(await runGates(root, dir, configPath, vitestArgs))
          warm.push(await runGates(root, dir, configPath, vitestArgs))
        }
        const freshMedian = median(fresh.map((x) => x.seconds))
        const coldMedian = median(cold.map((x) => x.seconds))
        const warmMedian = median(warm.map((x) => x.seconds))
        const lastWarm = warm[warm.length - 1] as GatesRun
        const cached = lastWarm.gates.filter((g) => g.status === 'cached').map((g) => g.gate)
        const rerun = lastWarm.gates.filter((g) => g.status !== 'cached' && g.status !== 'skipped').map((g) => g.gate)
        rows.push({
          run: `cold, empty result and transform caches (${label})`,
          seconds: freshMedian,
          'exit code': fresh[0]?.exitCode ?? null,
          runs: fresh.length,
        })
        rows.push({
          run: `cold, empty cache (${label})`,
          seconds: coldMedian,
          'exit code': cold[0]?.exitCode ?? null,
          runs: cold.length,
        })
        rows.push({
          run: `warm, cache from the run before (${label})`,
          seconds: warmMedian,
          'exit code': lastWarm.exitCode,
          runs: warm.length,
          cached: cached.length,
          're-run': rerun.join(' ') || '-',
        })
        targets.push({ target: `cold ≤ 20 s (${label})`, value: Number(coldMedian.toFixed(2)), met: coldMedian <= 20 })
        targets.push({
          target: `cold ≤ 20 s, transform cache empty too (${label})`,
          value: Number(freshMedian.toFixed(2)),
          met: freshMedian <= 20,
        })
        targets.push({ target: `warm ≤ 2 s (${label})`, value: Number(warmMedian.toFixed(2)), met: warmMedian <= 2 })
        perGate[label] = { cold: cold[0]?.gates, warm: lastWarm.gates }
      }
    }
    // The warm run that never starts Vitest, against the warm Vitest run and Node's own start.
    const warmPaths = await measureWarmPaths(root, work, repeats, againstCli(values.against))
    rows.push(...warmPaths.rows)
    targets.push(...(warmPaths.targets ?? []))
    notes.push(...(warmPaths.notes ?? []))
    perGate.warm_paths_samples = warmPaths.samples
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
  return {
    name: 'gates',
    rows,
    targets,
    notes: [
      ...notes,
      `${values.live ? 'live tree' : 'snapshot of the work tree (tracked + untracked, not ignored; node_modules linked)'} of ${source}; each figure the median of ${repeats} runs; ledger, cache and reports in a temp folder`,
      'a failing gate is never cached, so it re-runs in the warm run too (see re-run)',
      "cold = empty gate result cache with Vitest's transform cache (fsModuleCache) as the runs before left it; the first row empties both",
      'the machine is shared: wall figures move with its load',
    ],
    extra: { per_gate_ms: perGate },
  }
}

/** The built CLI of the checkout --against names; exit 2 naming the flag when it has none. */
function againstCli(dir: string | undefined): string | undefined {
  if (dir === undefined) return undefined
  const cli = join(resolve(dir), 'dist', 'src', 'app', 'cli', 'main.cjs')
  if (!existsSync(cli))
    throw new UserError(
      'BAD_FLAG',
      `bench gates: --against ${dir}: no ${cli}`,
      `run node scripts/build-dist.mjs in ${dir}`,
    )
  return cli
}

/** Copies the work tree's files into `dest` as a fresh one-commit git repo, node_modules linked. */
function snapshot(source: string, dest: string): string {
  for (const file of listRepoFiles(source, 'worktree')) {
    mkdirSync(dirname(join(dest, file)), { recursive: true })
    copyFileSync(join(source, file), join(dest, file))
  }
  if (existsSync(join(source, 'node_modules')))
    symlinkSync(join(source, 'node_modules'), join(dest, 'node_modules'), 'dir')
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dest, stdio: 'pipe' })
  git('init', '-q')
  git('add', '-A')
  git(
    '-c',
    'user.email=bench@codex-gates.local',
    '-c',
    'user.name=bench',
    'commit',
    '-q',
    '--no-verify',
    '-m',
    'snapshot',
  )
  return dest
}

/** A copy of the root's gate config with another typecheck compiler. */
function configWithCompiler(root: string, work: string, compiler: string): string {
  const source = gatesConfigPath(root, {})
  const config = source
    ? (JSON.parse(readFileSync(source, 'utf8')) as { gates?: Record<string, Record<string, unknown>> })
    : {}
  config.gates = { ...config.gates, typecheck: { ...config.gates?.typecheck, compiler } }
  delete (config as { $schema?: unknown }).$schema
  const path = join(work, `gates-${Math.random().toString(36).slice(2)}.json`)
  writeFileSync(path, JSON.stringify(config))
  return path
}

function runGates(root: string, dir: string, configPath: string | undefined, vitestArgs: string[]): Promise<GatesRun> {
  const env = gatesRunEnv(root, dir, configPath)
  const vitest = join(PACKAGE_ROOT, 'node_modules', '.bin', 'vitest')
  const started = performance.now()
  return new Promise((done, fail) => {
    execFile(
      vitest,
      ['run', '--project', 'gates', ...vitestArgs],
      { cwd: PACKAGE_ROOT, env, maxBuffer: 64 * 1024 * 1024 },
      (error) => {
        const seconds = (performance.now() - started) / 1000
        if (error && typeof error.code !== 'number') {
          fail(new UserError('BENCH_GATES', `vitest did not run: ${error.message}`, 'run `npm run gates` to see why'))
          return
        }
        done({ seconds, exitCode: error ? (error.code as number) : 0, gates: gateRuns(join(dir, 'ledger.db')) })
      },
    )
  })
}

/** The gate_runs rows of the newest session in a ledger. */
function gateRuns(path: string): GatesRun['gates'] {
  const ledger = openLedger(path, { readonly: true })
  try {
    const session = ledger.get<{ id: string }>('SELECT id FROM sessions ORDER BY started_at DESC LIMIT 1')
    return ledger.all('SELECT gate, status, duration_ms FROM gate_runs WHERE session_id = ? ORDER BY gate', session?.id)
  } finally {
    ledger.close()
  }
}
