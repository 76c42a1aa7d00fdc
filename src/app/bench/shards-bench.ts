import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { countPack, lptPack, makespan } from '../../domain/shards/lpt-pack.ts'
import { planShards } from '../../domain/shards/shard-plan.ts'
import type { OptionDefs, OptionValues } from '../../foundation/cli/define-command.ts'
import { UserError } from '../../foundation/errors/user-error.ts'
import { PACKAGE_ROOT } from '../../foundation/fs/package-root.ts'
import { fileDurations } from '../../ledger/file-durations.ts'
import { openLedger } from '../../ledger/open-ledger.ts'
import type { BenchResult, BenchRow } from './bench-report.ts'
import { defineBench } from './define-bench.ts'

/**
 * The default subset of the unit project: the whole of it takes many minutes per run on a
 * shared 2-core machine, and this benchmark runs it 30 times. Mixed on purpose: quick pure specs
 * beside ones that start Vitest or SQLite in child processes.
 */
const SUBSET = [
  'specs/ledger/',
  'specs/foundation/',
  'specs/domain/report/',
  'specs/domain/coverage/',
  'specs/domain/data/',
  'specs/adapters/vitest/',
]

const OPTIONS = {
  shards: {
    type: 'integer',
    multiple: true,
    valueName: 'n',
    description: 'shard counts to simulate (repeatable; default 1 2 4 8)',
  },
  path: {
    type: 'string',
    multiple: true,
    valueName: 'dir',
    description: `spec folders of the unit project to run (repeatable; default ${SUBSET.join(' ')})`,
  },
} as const satisfies OptionDefs

/**
 * `npm run bench -- shards`: N = 1, 2, 4, 8 shards of (a subset of) the unit project, each
 * shard run alone, one after another, as its own Vitest process writing a blob (what
 * `codex-gates run --shard` runs), so each shard's wall time is what one machine would take. The
 * critical path (the slowest shard) with Vitest's file-count shards against duration-balanced
 * ones planned from a first, unsharded run; then `codex-gates merge` of the 8 balanced blobs.
 */
export const shardsBench = defineBench({
  name: 'shards',
  summary: 'critical path of N = 1, 2, 4, 8 shards of the unit project: file-count vs balanced; merge time',
  options: OPTIONS,
  measure: measure,
})

async function measure(values: OptionValues<typeof OPTIONS>): Promise<BenchResult> {
  const counts = values.shards.length ? values.shards : [1, 2, 4, 8]
  const paths = values.path.length ? values.path : SUBSET
  const work = mkdtempSync(join(tmpdir(), 'bench-shards-'))
  const rows: BenchRow[] = []
  const extra: Record<string, unknown> = {}
  try {
    // 1. The history: one unsharded run into a fresh ledger, per-file durations read back.
    const history = join(work, 'history.db')
    const whole = await vitest(['run', '--project', 'unit', ...paths], history)
    const durations = new Map<string, number>()
    const ledger = openLedger(history, { readonly: true })
    try {
      for (const d of fileDurations(ledger, 1, ['unit'])) durations.set(d.file, d.durationMs)
    } finally {
      ledger.close()
    }
    if (durations.size === 0)
      throw new UserError(
        'BENCH_SHARDS',
        'the unsharded run recorded no test file',
        'run `npx vitest run --project unit` to see why',
      )
    const files = [...durations.keys()].sort()
    rows.push({
      run: 'unsharded (history)',
      N: 1,
      'critical path s': round(whole.seconds),
      shards: '-',
      'exit code': whole.code,
    })
    let anchor = whole.seconds
    let lastBalanced = ''
    for (const n of counts) {
      // 2. Vitest's own file-count shards, each alone.
      const countDir = join(work, `count-${n}`)
      const countWalls: number[] = []
      for (let i = 1; i <= n; i++)
        countWalls.push(
          (await vitest(['run', '--project', 'unit', `--shard=${i}/${n}`, ...blob(countDir, i, n), ...paths], null))
            .seconds,
        )
      // 3. The plan's shards (LPT over the recorded durations), each alone.
      const plan = planShards(files, durations, n, 1)
      const balancedDir = join(work, `balanced-${n}`)
      const balancedWalls: number[] = []
      for (const [i, shard] of plan.shards.entries())
        balancedWalls.push(
          shard.files.length
            ? (await vitest(['run', '--project', 'unit', ...blob(balancedDir, i + 1, n), ...shard.files], null)).seconds
            : 0,
        )
      lastBalanced = balancedDir
      const countPath = Math.max(...countWalls)
      const balancedPath = Math.max(...balancedWalls)
      if (n === 1) anchor = countPath
      rows.push(
        {
          run: 'file-count shards (vitest --shard)',
          N: n,
          'critical path s': round(countPath),
          'vs N=1': round(countPath / anchor),
          shards: countWalls.map(round).join(' '),
        },
        {
          run: 'balanced shards (plan-shards)',
          N: n,
          'critical path s': round(balancedPath),
          'vs N=1': round(balancedPath / anchor),
          shards: balancedWalls.map(round).join(' '),
          'vs file-count': round(balancedPath / countPath),
        },
      )
      const jobs = files.map((file) => ({ file, durationMs: durations.get(file) as number }))
      extra[`N=${n}`] = {
        file_count_walls_s: countWalls,
        balanced_walls_s: balancedWalls,
        // The same packings on the recorded test time alone (no process start-up): what the plan expects.
        recorded_test_ms: {
          lpt: makespan(lptPack(jobs, n)),
          by_name: makespan(countPack(jobs, n)),
          bound: plan.lowerBoundMs,
        },
      }
    }
    // 4. Merging the last (largest N) balanced shards into one ledger session.
    const merged = await codexGatesMerge(lastBalanced, join(work, 'merged.db'))
    rows.push({
      run: `codex-gates merge of ${Math.max(...counts)} blobs (wall)`,
      'critical path s': round(merged.seconds),
      'exit code': merged.code,
    })
    extra.files = files.length
    extra.recorded_total_test_ms = [...durations.values()].reduce((s, d) => s + d, 0)
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
  return {
    name: 'shards',
    rows,
    notes: [
      `unit project, ${paths.join(' ')}${values.path.length ? '' : ' (the default subset: the whole unit project is too slow to run 30 times on this shared machine)'}`,
      'each shard is its own Vitest process run alone, one after another: its wall time (start-up included) is what one machine of this kind would take; the critical path is the slowest shard',
      'balanced shards are planned from the durations of the first, unsharded run (LPT, as codex-gates plan-shards does)',
      'extrapolating to N machines: the critical path is bounded below by Vitest start-up (~2–4 s here) plus the longest single spec file; past the N where the longest file dominates, more machines do not help',
      'the machine is shared (2 cores, other jobs running): wall figures move with its load',
    ],
    extra,
  }
}

// --- internal ---

function blob(dir: string, i: number, n: number): string[] {
  mkdirSync(dir, { recursive: true })
  return ['--reporter=blob', `--outputFile=${join(dir, `blob-${i}-${n}.json`)}`]
}

function round(x: number): number {
  return Math.round(x * 100) / 100
}

interface Timed {
  seconds: number
  code: number
}

/** Runs this repository's Vitest; with `ledger`, its configured reporters write there. */
function vitest(args: string[], ledger: string | null): Promise<Timed> {
  return timed(join(PACKAGE_ROOT, 'node_modules', '.bin', 'vitest'), args, ledger)
}

function codexGatesMerge(dir: string, ledger: string): Promise<Timed> {
  const tsx = join(PACKAGE_ROOT, 'node_modules', '.bin', 'tsx')
  return timed(tsx, [join(PACKAGE_ROOT, 'src', 'app', 'cli', 'main.ts'), 'merge', dir, '--root', PACKAGE_ROOT], ledger)
}

function timed(bin: string, args: string[], ledger: string | null): Promise<Timed> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CODEX_REPORTS: '0',
    CODEX_LEDGER: ledger ?? join(tmpdir(), 'unused.db'),
  }
  const started = performance.now()
  return new Promise((done, fail) => {
    execFile(bin, args, { cwd: PACKAGE_ROOT, env, maxBuffer: 64 * 1024 * 1024 }, (error) => {
      const seconds = (performance.now() - started) / 1000
      if (error && typeof error.code !== 'number') {
        fail(
          new UserError(
            'BENCH_SHARDS',
            `${bin} did not run: ${error.message}`,
            'run `npx vitest run --project unit` to see why',
          ),
        )
        return
      }
      done({ seconds, code: error ? (error.code as number) : 0 })
    })
  })
}
