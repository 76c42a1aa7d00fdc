import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { GATE_NAMES, type GatesConfig, loadGatesConfig } from '../../domain/gates/gates-config.ts'
import { PACKAGE_ROOT } from '../../domain/gates/repo-files.ts'
import { cachedGateRun } from '../../domain/gates/run-gate.ts'
import { treeView } from '../../domain/gates/tree-view.ts'
import type { BenchResult, BenchRow } from './bench-report.ts'
import { median, round2 } from './stats.ts'
import { timed } from './timed-process.ts'

/** The target: a warm run within ~0.1 s of Node's own start. */
const OVER_NODE_S = 0.1

/**
 * A warm `codex-gates run` (every gate's result reused, no Vitest) against the warm path before it
 * (`vitest run --project gates` with the result cache full: Vitest and a worker per gate file
 * start, each gate finds its cached result) and bare `node -e 0`, interleaved round by round on
 * one tree. Each path fills its own cache with one untimed cold run first (the two load the
 * scanners from different files, and a scanner's source is part of its key). Also the keys alone,
 * in this process: from git's index stat data against re-hashing every listed file. `against`:
 * another checkout's built CLI (main.cjs), timed in the same rounds with a cache of its own.
 */
export async function measureWarmPaths(
  root: string,
  work: string,
  repeats: number,
  against?: string,
): Promise<
  Pick<BenchResult, 'rows' | 'targets' | 'notes'> & { samples: Record<string, number[]>; startedVitest: string[] }
> {
  const runner = codexRunner()
  const dirs = {
    codex: join(work, 'warm-codex'),
    vitest: join(work, 'warm-vitest'),
    against: join(work, 'warm-against'),
  }
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true })
  const cpuFile = join(work, 'cpu.txt')
  const codexWith = (env: NodeJS.ProcessEnv) => () =>
    timed(runner.argv[0] as string, [...runner.argv.slice(1), 'run', '--root', root], root, env, cpuFile)
  const codex = codexWith(gatesRunEnv(root, dirs.codex))
  // The same run with the executable's V8 code cache off: it compiles its bundle from source.
  const codexCompiled = codexWith({ ...gatesRunEnv(root, dirs.codex), CODEX_CODE_CACHE: '0' })
  const vitest = () =>
    timed(
      join(PACKAGE_ROOT, 'node_modules', '.bin', 'vitest'),
      ['run', '--project', 'gates'],
      PACKAGE_ROOT,
      gatesRunEnv(root, dirs.vitest),
      cpuFile,
    )
  const node = () => timed(process.execPath, ['-e', '0'], root, process.env, cpuFile)
  const other = against
    ? () => timed(process.execPath, [against, 'run', '--root', root], root, gatesRunEnv(root, dirs.against), cpuFile)
    : undefined
  const fill = [codex(), vitest(), ...(other ? [other(), other()] : [])]
  for (const f of fill)
    if (f.code > 1) throw new Error(`BUG: a cold gates run exited ${f.code}:\n${f.output.slice(-4000)}`)
  codex() // the first warm run writes the code cache for the warm path (the cold one's is provisional)
  const wall: Record<string, number[]> = { codex: [], codexCompiled: [], vitest: [], node: [], against: [] }
  const cpu: Record<string, number[]> = { codex: [], codexCompiled: [], vitest: [], node: [], against: [] }
  const startedVitest: string[] = []
  for (let i = 0; i < Math.max(1, repeats); i++) {
    for (const [name, run] of [
      ['node', node],
      ['codex', codex],
      ...(other ? [['against', other] as const] : []),
      ['codexCompiled', codexCompiled],
      ['vitest', vitest],
    ] as const) {
      const t = run()
      if (t.code > 1) throw new Error(`BUG: ${name} exited ${t.code}:\n${t.output.slice(-4000)}`)
      if (name !== 'node' && name !== 'vitest' && /Test Files/.test(t.output)) startedVitest.push(t.output.slice(-3000))
      wall[name]?.push(t.ms)
      cpu[name]?.push(t.cpuMs)
    }
  }
  const keys = await keyTimes(root, repeats, gatesRunEnv(root, dirs.codex))
  const med = (xs: number[] | undefined) => Math.round(median(xs ?? []))
  const row = (what: string, key: string): BenchRow => ({
    run: what,
    'wall ms': med(wall[key]),
    'CPU ms': med(cpu[key]),
    'wall / node -e 0': round2(med(wall[key]) / med(wall.node)),
    'CPU / node -e 0': round2(med(cpu[key]) / med(cpu.node)),
    runs: wall[key]?.length ?? 0,
  })
  const speedup = med(wall.vitest) / med(wall.codex)
  const overNode = (med(wall.codex) - med(wall.node)) / 1000
  return {
    rows: [
      row('node -e 0', 'node'),
      row(`warm codex-gates run, no Vitest (${runner.label})`, 'codex'),
      ...(against ? [row(`the same, --against ${against}`, 'against')] : []),
      row('the same, V8 code cache off (CODEX_CODE_CACHE=0)', 'codexCompiled'),
      row('warm before: vitest run --project gates, cache full', 'vitest'),
      {
        run: `cache keys of all ${GATE_NAMES.length} gates in process, from git's index stat data`,
        'wall ms': keys.indexed,
        runs: repeats,
      },
      {
        run: 'the same keys with every file read and hashed (no index)',
        'wall ms': keys.rehash,
        runs: repeats,
      },
    ],
    targets: [
      {
        target: 'warm run without Vitest faster than the warm Vitest path (ratio)',
        value: round2(speedup),
        met: speedup > 1,
      },
      {
        target: `warm run within ${OVER_NODE_S} s of node -e 0`,
        value: round2(overNode),
        met: overNode <= OVER_NODE_S,
      },
      {
        target: 'warm runs that started Vitest (a gate failing on the tree is never cached)',
        value: startedVitest.length,
        met: startedVitest.length === 0,
      },
    ],
    notes: [
      `warm rows: ${repeats} rounds, each node -e 0, codex-gates run (code cache on, then off), vitest run in turn; medians; CPU = user + system of the process tree (GNU time), steadier than wall on a shared machine`,
      'cache keys: treeView + cachedGateRun for every gate in this process, first round not counted (scanner modules loading); "no index" reads and hashes every input file instead of taking blob ids from the index',
    ],
    samples: { ...prefixed('wall', wall), ...prefixed('cpu', cpu) },
    startedVitest,
  }
}

// --- internal ---

async function keyTimes(
  root: string,
  repeats: number,
  env: NodeJS.ProcessEnv,
): Promise<{ indexed: number; rehash: number }> {
  const config: GatesConfig = loadGatesConfig(root, env)
  const indexed: number[] = []
  const rehash: number[] = []
  const keys = async (index: boolean) => {
    const t = performance.now()
    const tree = treeView(root, config.files, { index })
    await Promise.all(GATE_NAMES.map((name) => cachedGateRun(name, { root, config, env, tree })))
    return performance.now() - t
  }
  // Which goes first alternates: the first of a round pays for the garbage of the one before.
  for (let i = 0; i < Math.max(2, repeats + 1); i++) {
    if (i % 2 === 0) {
      indexed.push(await keys(true))
      rehash.push(await keys(false))
    } else {
      rehash.push(await keys(false))
      indexed.push(await keys(true))
    }
  }
  return { indexed: Math.round(median(indexed.slice(1))), rehash: Math.round(median(rehash.slice(1))) }
}

/** The environment of a gates run on `root` whose ledger, cache and reports live in `dir`. */
export function gatesRunEnv(root: string, dir: string, configPath?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GATES_ROOT: root,
    CODEX_LEDGER: join(dir, 'ledger.db'),
    CODEX_GATE_CACHE: join(dir, 'gate-cache.json'),
    CODEX_GATES_REPORTS: join(dir, 'reports'),
    CODEX_REPORTS_DIR: join(dir, 'reports'),
    ...(configPath ? { CODEX_GATES_CONFIG: configPath } : {}),
  }
  delete env.CODEX_GATES_NO_CACHE
  return env
}

function codexRunner(): { label: string; argv: string[] } {
  const dist = join(PACKAGE_ROOT, 'dist', 'src', 'app', 'cli', 'main.cjs')
  if (existsSync(dist)) return { label: 'node dist/src/app/cli/main.cjs', argv: [process.execPath, dist] }
  return {
    label: 'tsx src/app/cli/main.ts (dist/ not built)',
    argv: [join(PACKAGE_ROOT, 'node_modules', '.bin', 'tsx'), join(PACKAGE_ROOT, 'src', 'app', 'cli', 'main.ts')],
  }
}

function prefixed(prefix: string, o: Record<string, number[]>): Record<string, number[]> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [`${prefix} ${k}`, v]))
}
