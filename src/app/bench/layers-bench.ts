import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Violation } from '../../domain/gates/layers/check-import-rules.ts'
import { npmPackageName } from '../../domain/gates/layers/resolution.ts'
import { PACKAGE_ROOT } from '../../domain/gates/repo-files.ts'
import { prebuiltBundle } from '../../foundation/build/prebuilt-bundle.mjs'
import type { OptionDefs, OptionValues } from '../../foundation/cli/define-command.ts'
import { UserError } from '../../foundation/errors/user-error.ts'
import type { BenchResult, BenchRow } from './bench-report.ts'
import { defineBench } from './define-bench.ts'
import { BENCH_RULES, BENCH_SCOPE, depcruiseConfig, depcruisePairs, ourPairs } from './depcruise-equivalent.ts'

const OPTIONS = {
  repeats: { type: 'integer', valueName: 'n', default: 5, description: 'runs per figure (the median; at least 1)' },
  root: { type: 'string', valueName: 'dir', description: 'the repository to check (default: this one)' },
} as const satisfies OptionDefs

/**
 * `npm run bench -- layers`: the layers gate against dependency-cruiser on the same layered
 * rules over this repository's src/ and scripts/ (BENCH_RULES, translated rule for rule).
 * Cold: a fresh `node` process per run (ours as the esbuild bundle the package ships, and
 * through tsx from source); warm: each tool in its own process after two warm-up runs. Runs
 * are interleaved, each figure the median of --repeats (default 5). Both tools' violations are
 * compared as `rule from → to` pairs.
 */
export const layersBench = defineBench({
  name: 'layers',
  summary: 'the layers gate against dependency-cruiser on the same rules',
  options: OPTIONS,
  measure: measureBench,
})

async function measureBench(values: OptionValues<typeof OPTIONS>): Promise<BenchResult> {
  const repeats = Math.max(1, values.repeats)
  const root = resolve(values.root ?? PACKAGE_ROOT)
  const work = mkdtempSync(join(tmpdir(), 'bench-layers-'))
  try {
    const rulesPath = join(work, 'rules.json')
    writeFileSync(rulesPath, JSON.stringify(BENCH_RULES))
    const dcConfig = depcruiseConfig(BENCH_RULES, BENCH_SCOPE)
    const dcConfigPath = join(work, 'depcruise.config.cjs')
    writeFileSync(dcConfigPath, `module.exports = ${JSON.stringify(dcConfig, null, 2)}\n`)
    const entry = join(work, 'layers-once-entry.ts')
    writeFileSync(
      entry,
      `import { layersOnceMain } from ${JSON.stringify(join(PACKAGE_ROOT, 'src/app/bench/layers-once.ts'))}\nlayersOnceMain(process.argv.slice(2))\n`,
    )
    const bundle = prebuiltBundle({ dir: join(work, 'bundle'), entries: { 'layers-once': entry }, sourceUrls: true })
    await bundle.build()
    const depcruiseMain = join(PACKAGE_ROOT, 'node_modules', 'dependency-cruiser', 'src', 'main', 'index.mjs')
    const depcruiseBin = join(PACKAGE_ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs')
    // dependency-cruiser's warm runs in its own plain-node process: under tsx its swc visitor
    // loads wrongly (tsx hands `@swc/core/Visitor.js`'s default export over as the namespace).
    const depcruiseWarm = join(work, 'depcruise-warm.mjs')
    writeFileSync(depcruiseWarm, depcruiseWarmScript(depcruiseMain, dcConfig, BENCH_SCOPE))
    const tsx = join(PACKAGE_ROOT, 'node_modules', '.bin', 'tsx')
    const childArgs = [root, rulesPath, BENCH_SCOPE.join(',')]
    const timedPerChild = 3

    const times: Record<Row, number[]> = {
      'ours, cold (node, bundled JS)': [],
      'ours, cold (tsx, TypeScript source)': [],
      'dependency-cruiser, cold (depcruise CLI)': [],
      'ours, warm (in process)': [],
      'dependency-cruiser, warm (in process, cruise())': [],
    }
    let ours: Violation[] = []
    let coldOurs: Violation[] = []
    let theirs: DepcruiseWarm | undefined
    const node = process.execPath
    for (let r = 0; r < repeats; r++) {
      const bundled = await timedRun(node, [bundle.output('layers-once'), ...childArgs], root)
      times['ours, cold (node, bundled JS)'].push(bundled.seconds)
      coldOurs = (JSON.parse(bundled.stdout) as OursChild).violations
      times['ours, cold (tsx, TypeScript source)'].push((await timedRun(tsx, [entry, ...childArgs], root)).seconds)
      const dcArgs = [depcruiseBin, '--config', dcConfigPath, '--output-type', 'err', ...BENCH_SCOPE]
      times['dependency-cruiser, cold (depcruise CLI)'].push((await timedRun(node, dcArgs, root)).seconds)
      // Warm: each tool in its own process, two warm-up runs, then the median of a few.
      const warmOurs = JSON.parse(
        (await timedRun(node, [bundle.output('layers-once'), ...childArgs, String(timedPerChild)], root)).stdout,
      ) as OursChild
      times['ours, warm (in process)'].push(median(warmOurs.seconds))
      ours = warmOurs.violations
      theirs = JSON.parse((await timedRun(node, [depcruiseWarm, String(timedPerChild)], root)).stdout) as DepcruiseWarm
      times['dependency-cruiser, warm (in process, cruise())'].push(median(theirs.seconds))
    }
    if (!theirs) throw new Error('BUG: no dependency-cruiser run')

    const oursPairs = ourPairs(ours)
    const coldPairs = ourPairs(coldOurs)
    const theirPairs = depcruisePairs(theirs.violations, depcruisePackage)
    const onlyOurs = oursPairs.filter((p) => !theirPairs.includes(p))
    const onlyTheirs = theirPairs.filter((p) => !oursPairs.includes(p))
    const same = onlyOurs.length === 0 && onlyTheirs.length === 0
    const byCategory = (pairs: string[]) => {
      const out: Record<string, number> = {}
      for (const p of pairs) {
        const c = p.split(' ')[0] as string
        out[c] = (out[c] ?? 0) + 1
      }
      return out
    }
    const med = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)])) as Record<Row, number>
    const rows: BenchRow[] = Object.entries(times).map(([run, v]) => ({
      run,
      'median s': round(median(v)),
      'min s': round(Math.min(...v)),
      'max s': round(Math.max(...v)),
      runs: v.length,
    }))
    const coldRatio = med['dependency-cruiser, cold (depcruise CLI)'] / med['ours, cold (node, bundled JS)']
    const warmRatio = med['dependency-cruiser, warm (in process, cruise())'] / med['ours, warm (in process)']
    return {
      name: 'layers',
      rows,
      targets: [
        { target: 'ours faster than dependency-cruiser, cold (× faster)', value: round(coldRatio), met: coldRatio > 1 },
        { target: 'ours faster than dependency-cruiser, warm (× faster)', value: round(warmRatio), met: warmRatio > 1 },
        {
          target: 'same violations (rule from → to pairs)',
          value: `${oursPairs.length} ours, ${theirPairs.length} dependency-cruiser`,
          met: same,
        },
        {
          target: 'cold run reports what the warm run does',
          value: coldPairs.length,
          met: coldPairs.join('\n') === oursPairs.join('\n'),
        },
      ],
      notes: [
        `${root}: ${BENCH_SCOPE.join(', ')}; ${theirs.totalCruised} modules cruised by dependency-cruiser; median of ${repeats} interleaved runs`,
        'dependency-cruiser 17.4.3 parses with swc (its tsc parser needs the TypeScript 5 API; TypeScript 7 has none), so type-only imports count on both sides',
        'cold: a fresh node process per run (start, module loading, and for ours the git file listing); warm: each tool in its own process after two warm-up runs, median of 3 there, then the median over repeats',
        'the machine is shared: wall figures move with its load',
      ],
      extra: {
        violations: { ours: byCategory(oursPairs), dependency_cruiser: byCategory(theirPairs) },
        only_ours: onlyOurs,
        only_dependency_cruiser: onlyTheirs,
        times_s: times,
      },
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

// --- internal ---

type Row =
  | 'ours, cold (node, bundled JS)'
  | 'ours, cold (tsx, TypeScript source)'
  | 'dependency-cruiser, cold (depcruise CLI)'
  | 'ours, warm (in process)'
  | 'dependency-cruiser, warm (in process, cruise())'

interface OursChild {
  seconds: number[]
  violations: Violation[]
}

interface DepcruiseWarm {
  seconds: number[]
  totalCruised: number
  violations: { from: string; to: string; rule: { name: string }; cycle?: { name: string }[] }[]
}

/** A plain-node script: dependency-cruiser's cruise() twice to warm up, then `argv[2]` timed runs. */
function depcruiseWarmScript(
  main: string,
  config: ReturnType<typeof depcruiseConfig>,
  scope: readonly string[],
): string {
  const options = { ...config.options, ruleSet: { forbidden: config.forbidden }, validate: true, outputType: 'json' }
  return `import { cruise } from ${JSON.stringify(pathToFileURL(main).href)}
const options = { ...${JSON.stringify(options)}, baseDir: process.cwd() }
const scope = ${JSON.stringify(scope)}
for (let i = 0; i < 2; i++) await cruise(scope, options)
const seconds = []
let result
for (let i = 0; i < Number(process.argv[2]); i++) {
  const t = performance.now()
  result = JSON.parse((await cruise(scope, options)).output)
  seconds.push((performance.now() - t) / 1000)
}
process.stdout.write(JSON.stringify({ seconds, totalCruised: result.summary.totalCruised, violations: result.summary.violations }))
`
}

/** dependency-cruiser's `to` for a package (node_modules path or core module) as our package name. */
function depcruisePackage(to: string): string | undefined {
  const m = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(to)
  if (m) return m[1]
  if (!to.includes('.') && !to.startsWith('src/') && !to.startsWith('scripts/')) return npmPackageName(to)
  return undefined
}

function timedRun(command: string, args: string[], cwd: string): Promise<{ seconds: number; stdout: string }> {
  const started = performance.now()
  return new Promise((done, fail) => {
    execFile(command, args, { cwd, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      const seconds = (performance.now() - started) / 1000
      // depcruise exits with the number of errors found: that is a result, not a failure.
      if (error && typeof error.code !== 'number') {
        fail(new UserError('BENCH_LAYERS', `${command} did not run: ${error.message}`, String(stderr).slice(0, 500)))
        return
      }
      done({ seconds, stdout })
    })
  })
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

function round(n: number): number {
  return Number(n.toFixed(3))
}
