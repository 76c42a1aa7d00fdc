import { join } from 'node:path'
import { loadTrainConfig, parseSet } from '../../domain/train/config/load-train-config.ts'
import { formatTable } from '../../foundation/cli/format-table.ts'
import { type OptionSpec, parseArgs } from '../../foundation/cli/parse-args.ts'
import { EXIT, UserError } from '../../foundation/errors/user-error.ts'
import { type CliIo, COMMAND, flagOverrides, STDIO, trainCommand } from './train-command.ts'

export const SWEEP_HELP = `usage: npm run train -- sweep --config FILE --grid KEY=V1,V2[,…] [--grid …] [options]

Prints the override matrix (every combination of the grids, in order) with each combination's
config hash and run folder (<out_dir>/<n>, default runs/<config>-sweep-<timestamp>/<n>); with
--run, trains them one after another.

options:
  --config FILE         base training config
  --grid KEY=V1,V2      values of one config key to sweep (repeatable; typed by the schema)
  --set KEY=VALUE       fixed override applied to every run (repeatable)
  --seed N, --backend NAME, --system-metrics MODE   as for training
  --max-steps N         passed to every run
  --run                 train every combination (default: only print the matrix)
  -h, --help            this text
`

const SWEEP_OPTIONS = {
  config: { type: 'string' },
  grid: { type: 'string', multiple: true },
  set: { type: 'string', multiple: true },
  seed: { type: 'string' },
  backend: { type: 'string' },
  'system-metrics': { type: 'string' },
  'max-steps': { type: 'string' },
  run: { type: 'boolean' },
} satisfies OptionSpec

/** One row of the matrix: the `--set` entries of one combination and where it runs. */
export interface SweepRun {
  index: number
  overrides: string[]
  outDir: string
  hash: string
}

/** Every combination of `grids` (`key=v1,v2`), first grid varying slowest; values typed and keys checked. */
export function sweepMatrix(grids: readonly string[]): string[][] {
  let rows: string[][] = [[]]
  for (const grid of grids) {
    const eq = grid.indexOf('=')
    if (eq <= 0 || eq === grid.length - 1) {
      throw new UserError('SWEEP_GRID', `--grid ${grid}: expected key=v1,v2,…`, 'e.g. --grid learning_rate=1e-3,3e-3')
    }
    const key = grid.slice(0, eq)
    const values = grid
      .slice(eq + 1)
      .split(',')
      .map((v) => v.trim())
    for (const v of values) parseSet(`${key}=${v}`)
    rows = rows.flatMap((row) => values.map((v) => [...row, `${key}=${v}`]))
  }
  return rows
}

/** `npm run train -- sweep …` */
export async function sweepCommand(argv: string[], io: CliIo = STDIO): Promise<number> {
  const { values } = parseArgs(argv, SWEEP_OPTIONS, `${COMMAND} sweep`)
  if (values.help) {
    io.out(SWEEP_HELP)
    return 0
  }
  if (!values.config || !values.grid?.length) {
    throw new UserError(
      'BAD_FLAG',
      `${COMMAND} sweep: --config and at least one --grid are required`,
      'e.g. npm run train -- sweep --config configs/train/gpt-tiny.json --grid learning_rate=1e-3,3e-3',
    )
  }
  const sets = values.set ?? []
  const flags = flagOverrides(values)
  const base = loadTrainConfig(values.config, sets, flags)
  const sweepDir =
    base.config.out_dir ??
    join('runs', `${base.name}-sweep-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 23)}`)
  const runs: SweepRun[] = sweepMatrix(values.grid).map((overrides, index) => {
    const outDir = join(sweepDir, String(index))
    const loaded = loadTrainConfig(values.config as string, [...sets, ...overrides, `out_dir=${outDir}`], flags)
    return { index, overrides, outDir, hash: loaded.hash }
  })
  io.out(
    formatTable(
      runs.map((r) => ({
        '#': r.index,
        overrides: r.overrides.join(' '),
        'config hash': r.hash.slice(0, 12),
        out_dir: r.outDir,
      })),
    ),
  )
  if (!values.run) {
    io.out(`${runs.length} runs; add --run to train them`)
    return EXIT.ok
  }
  const codes: number[] = []
  for (const run of runs) {
    io.out(`\n[sweep ${run.index + 1}/${runs.length}] ${run.overrides.join(' ')}`)
    const args = ['--config', values.config]
    for (const s of [...sets, ...run.overrides, `out_dir=${run.outDir}`]) args.push('--set', s)
    for (const flag of ['seed', 'backend', 'system-metrics', 'max-steps'] as const) {
      const v = values[flag]
      if (v !== undefined) args.push(`--${flag}`, v)
    }
    const code = await trainCommand(args, io)
    codes.push(code)
    if (code === EXIT.interrupted) break
  }
  io.out(`sweep done: ${codes.filter((c) => c === 0).length}/${runs.length} runs finished`)
  if (codes.includes(EXIT.interrupted)) return EXIT.interrupted
  return codes.every((c) => c === 0) ? EXIT.ok : EXIT.failed
}
