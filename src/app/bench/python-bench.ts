import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { PYTHON_LINT_DEFAULTS, scanPythonLint } from '../../domain/gates/python-lint/python-lint-gate.ts'
import { ruffVersion, workspaceStats } from '../../domain/gates/python-lint/ruff-wasm.ts'
import { pyrightVersion, runPyright } from '../../domain/gates/python-types/run-pyright.ts'
import { PACKAGE_ROOT } from '../../domain/gates/repo-files.ts'
import { prebuiltBundle } from '../../foundation/build/prebuilt-bundle.mjs'
import type { OptionDefs, OptionValues } from '../../foundation/cli/define-command.ts'
import { UserError } from '../../foundation/errors/user-error.ts'
import type { BenchResult, BenchRow } from './bench-report.ts'
import { defineBench } from './define-bench.ts'
import { measurePythonHook } from './python-hook-runs.ts'
import { TREE_PYPROJECT, writePythonTree } from './python-tree.ts'

/** What the commit hook's python-lint step may take on a one-file staged change (ms, median). */
const TARGET_ONE_FILE_MS = 150

/** One probe process's own account of its time (ms since it started). */
interface Probe {
  findings: number
  importedMs: number
  wasmLoadMs: number
  compileMs: number
  instantiateMs: number
  loadedMs: number
  workspaceBuildMs: number
  firstFileMs: number
  doneMs: number
  /** The process's CPU time (all its threads) until its work was done. */
  cpuMs: number
  wallMs: number
}

const OPTIONS = {
  files: { type: 'integer', valueName: 'n', default: 2000, description: 'Python files to generate (at least 1)' },
  runs: { type: 'integer', valueName: 'n', default: 10, description: 'timed runs per measure (at least 1)' },
  'skip-types': { type: 'boolean', description: 'leave python-types (pyright) out' },
  'hook-only': {
    type: 'boolean',
    description:
      'measure only the pre-commit hook rows (python-lint step warm, cold and first commit); implies --skip-types',
  },
} as const satisfies OptionDefs

/**
 * `npm run bench -- python`: python-lint and python-types on a generated, seeded tree of
 * --files Python files (default 2000). python-lint cold (a new process: Node start, bundle
 * import, WebAssembly compile, every file) and warm (in this process, second pass); pyright
 * cold; one staged file linted by a fresh process, with where its time goes, for the default
 * engine (V8's Liftoff compiler only, functions validated and compiled lazily), Liftoff with the
 * whole module validated at load, Liftoff with every function compiled up front (on V8's
 * background threads), V8's default tiering (TurboFan), and through tsx instead of a bundle; and the
 * target: the python-lint step inside the real pre-commit hook on a one-file change, against the
 * same hook with the step skipped.
 */
export const pythonBench = defineBench({
  name: 'python',
  summary: 'python-lint and python-types on a generated tree of Python files',
  options: OPTIONS,
  measure: measureBench,
})

async function measureBench(values: OptionValues<typeof OPTIONS>): Promise<BenchResult> {
  const { files: count, runs } = values
  if (count < 1 || runs < 1)
    throw new UserError('BAD_FLAG', '--files and --runs must be at least 1', 'e.g. --files 2000 --runs 10')
  const work = mkdtempSync(join(tmpdir(), 'bench-python-'))
  const loadAtStart = loadavg()[0] as number
  try {
    const tree = writePythonTree(work, count)
    const files = tree.files
    const probe = await probeBundle()
    const rows: BenchRow[] = []
    const extra: Record<string, unknown> = { tree: { files: files.length, lines: tree.lines, planted: tree.planted } }

    const startup = median(repeat(runs, () => timed(() => spawnSync(process.execPath, ['-e', '0'])).ms))
    rows.push({ run: 'node -e 0 (process start, for reference)', ms: round(startup), 'files/s': null, findings: null })

    const one = [files.find((f) => f.endsWith('mod_7.py')) ?? (files[0] as string)]
    if (!values['hook-only']) {
      // python-lint, whole tree, fresh processes.
      const cold = repeat(3, () => runProbe(probe, work, files))
      const coldMs = median(cold.map((c) => c.wallMs))
      rows.push(row('python-lint cold: new process, WASM start included', coldMs, files.length, cold[0]?.findings))
      const coldDefault = runProbe(probe, work, files, ['--tiering', 'default'])
      rows.push(
        row('python-lint cold, V8 default tiering (TurboFan)', coldDefault.wallMs, files.length, coldDefault.findings),
      )
      extra.lint_cold_breakdown = cold[0]

      // python-lint in this process: first pass (cold in-process), then the second (warm).
      const first = timed(() => scanPythonLint(work, files, PYTHON_LINT_DEFAULTS))
      const warm = timed(() => scanPythonLint(work, files, PYTHON_LINT_DEFAULTS))
      rows.push(row('python-lint in process, first pass', first.ms, files.length, first.value.findings.length))
      rows.push(row('python-lint warm: in process, second pass', warm.ms, files.length, warm.value.findings.length))
      extra.workspaces = { ...workspaceStats }
      extra.findings_by_rule = countBy(warm.value.findings.map((f) => f.rule))

      // One staged file in a fresh process: the commit hook's price.
      const variants: [string, string[], number, boolean][] = [
        ['one file, fresh process (bundle, Liftoff, lazy validation: the default)', [], runs, false],
        [
          'one file, fresh process (bundle, Liftoff, whole module validated at load)',
          ['--eager-validation'],
          runs,
          false,
        ],
        [
          'one file, fresh process (bundle, Liftoff, every function compiled up front)',
          ['--eager-compilation'],
          Math.min(runs, 5),
          false,
        ],
        ['one file, fresh process (bundle, V8 default tiering)', ['--tiering', 'default'], Math.min(runs, 3), false],
        ['one file, fresh process (tsx, not bundled)', [], Math.min(runs, 5), true],
      ]
      // Interleaved, round by round, so the machine's load swings hit every variant alike.
      const samples = variants.map(() => [] as Probe[])
      for (let round = 0; round < runs; round++) {
        variants.forEach(([, args, n, tsx], v) => {
          if (round < n) samples[v]?.push(runProbe(probe, work, one, args, tsx))
        })
      }
      const oneFile: Record<string, Probe> = {}
      variants.forEach(([label, , n], v) => {
        const runsOf = samples[v] as Probe[]
        const ms = median(runsOf.map((s) => s.wallMs))
        const mid = [...runsOf].sort((a, b) => a.wallMs - b.wallMs)[Math.floor((runsOf.length - 1) / 2)] as Probe
        oneFile[label] = mid
        rows.push({
          run: label,
          ms: round(ms),
          'files/s': null,
          findings: mid.findings,
          'import ms': round(mid.importedMs),
          'wasm load ms': round(mid.wasmLoadMs),
          'compile ms': round(mid.compileMs),
          'instantiate ms': round(mid.instantiateMs),
          'workspace ms': round(mid.workspaceBuildMs),
          'lint ms': round(mid.firstFileMs - mid.workspaceBuildMs),
          'exit ms': round(mid.wallMs - mid.doneMs),
          'cpu ms': round(mid.cpuMs),
          runs: n,
        })
      })
      extra.one_file = oneFile
    }

    // The target: the python-lint step inside the real hook, one staged file, beside the hook without it.
    const file = one[0] as string
    const hook = await measurePythonHook(
      work,
      { pyproject: TREE_PYPROJECT, file, text: readFileSync(join(work, file), 'utf8') },
      runs,
    )
    const hookRow = (run: string, ms: number, ratio?: number): BenchRow => ({
      run,
      ms: round(ms),
      'files/s': null,
      findings: null,
      runs,
      ...(ratio === undefined ? {} : { 'vs cold': Number(ratio.toFixed(2)) }),
    })
    rows.push(
      hookRow(
        'pre-commit hook: python-lint step, warm ruff server (the target)',
        hook.warm.stepMs,
        hook.warm.stepMs / hook.cold.stepMs,
      ),
      hookRow('pre-commit hook: python-lint step, no server (CODEX_RUFF_SERVER=0, cold)', hook.cold.stepMs, 1),
      hookRow(
        'pre-commit hook: python-lint step, first commit (no server yet: starts one)',
        hook.first.stepMs,
        hook.first.stepMs / hook.cold.stepMs,
      ),
      hookRow('pre-commit hook, whole process, warm ruff server', hook.warm.hookMs),
      hookRow('pre-commit hook, whole process, no server (cold)', hook.cold.hookMs),
      hookRow('pre-commit hook, whole process, first commit (starts the server)', hook.first.hookMs),
      hookRow('pre-commit hook, whole process, SKIP=python-lint (anchor)', hook.skippedMs),
    )
    extra.hook = hook

    let typesMs: number | undefined
    if (!values['skip-types'] && !values['hook-only']) {
      const types = await runPyright(work, files, 1_800_000)
      typesMs = types.durationMs
      rows.push(
        row('python-types cold: pyright CLI, new process', types.durationMs, files.length, types.diagnostics.length),
      )
      extra.pyright_rules = countBy(types.diagnostics.map((d) => d.rule))
    }
    return {
      name: 'python',
      rows,
      targets: [
        {
          target: `python-lint step in the pre-commit hook, one staged file ≤ ${TARGET_ONE_FILE_MS} ms`,
          value: round(hook.warm.stepMs),
          met: hook.warm.stepMs <= TARGET_ONE_FILE_MS,
        },
      ],
      notes: [
        `ruff ${ruffVersion()} (WebAssembly), pyright ${pyrightVersion()}; ${files.length} generated files, ${tree.lines} lines; settings from the tree's pyproject.toml (select E,F,W,I,B,UP; format check on)`,
        'cold = a new node process running the bundled probe (src/app/bench/python-lint-probe.ts): Node start, bundle import, WebAssembly compile, settings, every file; median of 3',
        'one-file columns: import = Node start + bundle import; wasm load = read + compile + instantiate (compile: reading and compiling the module, lazily: V8 compiles each function on its first call, so most compiling lands in workspace and lint); workspace = settings → rule table; lint = check + format of the file; exit = after the work until the process ended (TurboFan background compiles hold it); cpu = CPU time of the process, all threads, until its work was done',
        `hook rows: node .husky/launch.mjs pre-commit (the bundled runner) in a fresh repository holding the tree's pyproject.toml and ${file}, one line appended and staged; the step is the ledger's duration of python-lint (from the job's posting to its findings, any wait for the warm-up included); interleaved round by round, ${runs} rounds: cold (CODEX_RUFF_SERVER=0), every server stopped then the first commit (lints in-process, starts a server), the warm commit once that server answers, and SKIP=python-lint; python-lint adds ${round(hook.warm.hookMs - hook.skippedMs)} ms to the hook with the warm server and ${round(hook.cold.hookMs - hook.skippedMs)} ms cold (medians)`,
        `the warm rounds' python-lint was served by the server in ${hook.warm.served.filter((x) => x === 'served').length} of ${runs} (${[...new Set(hook.warm.served)].join('; ')}); the first commit's: ${[...new Set(hook.first.served)].join('; ')}`,
        `the first commit's spawn of the server took ${hook.spawnMs.toFixed(1)} ms in its worker (after its step, outside the step's time); the started server answered ${round(hook.readyMs)} ms after that hook ended (its own ruff compile and warm-up)`,
        `cold hook warm-up (medians): ruff's compile and first calls took ${round(hook.warmUpMs)} ms in the worker, ${round(hook.overlappedMs)} ms of it before the job was posted; the step waited ${round(hook.waitedMs)} ms for it`,
        typesMs === undefined
          ? 'python-types skipped (--skip-types)'
          : 'python-types: one pyright run over every file, its own process',
        `the machine is shared: wall figures move with its load (1-minute load average ${loadAtStart.toFixed(1)} at the start, ${(loadavg()[0] as number).toFixed(1)} at the end, ${cpus().length} CPUs)`,
      ],
      extra,
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

// --- internal ---

/** The probe bundled by esbuild (as the hook runner is), under .codex/ so node_modules resolves. */
async function probeBundle(): Promise<string> {
  const bundle = prebuiltBundle({
    dir: join(PACKAGE_ROOT, '.codex', 'bench-python'),
    entries: { probe: 'src/app/bench/python-lint-probe.ts' },
    sourceUrls: true,
  })
  if (!bundle.state().fresh) await bundle.build()
  return bundle.output('probe')
}

function runProbe(bundle: string, root: string, files: readonly string[], args: string[] = [], tsx = false): Probe {
  const command = tsx
    ? ['--import', 'tsx', join(PACKAGE_ROOT, 'src', 'app', 'bench', 'python-lint-probe.ts')]
    : [bundle]
  const run = timed(() =>
    spawnSync(process.execPath, [...command, ...args, root, ...files], {
      cwd: PACKAGE_ROOT,
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    }),
  )
  if (run.value.status !== 0) {
    throw new Error(`BUG: the python-lint probe failed (exit ${run.value.status}): ${run.value.stderr.slice(-2000)}`)
  }
  return { ...(JSON.parse(run.value.stdout) as Omit<Probe, 'wallMs'>), wallMs: run.ms }
}

function row(run: string, ms: number, files: number, findings: number | undefined): BenchRow {
  return { run, ms: round(ms), 'files/s': Math.round(files / (ms / 1000)), findings: findings ?? null }
}

function timed<T>(fn: () => T): { ms: number; value: T } {
  const started = performance.now()
  const value = fn()
  return { ms: performance.now() - started, value }
}

function repeat<T>(n: number, fn: () => T): T[] {
  return Array.from({ length: n }, fn)
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s.length ? (s[Math.floor((s.length - 1) / 2)] as number) : Number.NaN
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10
}

function countBy(keys: string[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const k of keys) out[k] = (out[k] ?? 0) + 1
  return Object.fromEntries(Object.entries(out).sort(([, a], [, b]) => b - a))
}
