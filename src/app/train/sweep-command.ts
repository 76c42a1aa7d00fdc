import { join } from 'node:path'
import { loadTrainConfig, parseSet } from '../../domain/train/config/load-train-config.ts'
import { defineCommand, type OptionDefs, type OptionValues } from '../../foundation/cli/define-command.ts'
import { formatTable } from '../../foundation/cli/format-table.ts'
import type { Io } from '../../foundation/cli/io.ts'
import { runCommand } from '../../foundation/cli/run-command.ts'
import { EXIT, UserError } from '../../foundation/errors/user-error.ts'
import { flagOverrides, RUN_OPTIONS, trainCommand } from './train-command.ts'

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

const SWEEP_OPTIONS = {
  ...RUN_OPTIONS,
  grid: {
    type: 'string',
    multiple: true,
    valueName: 'key=v1,v2',
    description: 'values of one config key to sweep (typed by the schema)',
  },
  run: { type: 'boolean', description: 'train every combination (default: only print the matrix)' },
} as const satisfies OptionDefs

/** `npm run train -- sweep …`: the override matrix of the grids; with --run, each combination trained in turn. */
export const sweepCommand = defineCommand({
  name: 'sweep',
  summary: 'train every combination of --grid values (or print the matrix)',
  description: `Prints the override matrix (every combination of the grids, in order) with each combination's
config hash and run folder (<out_dir>/<n>, default runs/<config>-sweep-<timestamp>/<n>); with
--run, trains them one after another. --set, --seed, --backend, --system-metrics and --max-steps
apply to every run, as for training.`,
  options: SWEEP_OPTIONS,
  examples: ['--config configs/train/gpt-tiny.json --grid learning_rate=1e-3,3e-3 --grid n_layer=1,2 --run'],
  run: async ({ options: values, io, path }) => {
    if (!values.config || values.grid.length === 0) {
      throw new UserError(
        'BAD_FLAG',
        `${path}: --config and at least one --grid are required`,
        'e.g. npm run train -- sweep --config configs/train/gpt-tiny.json --grid learning_rate=1e-3,3e-3',
      )
    }
    return sweep({ ...values, config: values.config }, io)
  },
})

// --- internal ---

async function sweep(values: OptionValues<typeof SWEEP_OPTIONS> & { config: string }, io: Io): Promise<number> {
  const sets = values.set
  const flags = flagOverrides(values)
  const base = loadTrainConfig(values.config, sets, flags)
  const sweepDir =
    base.config.out_dir ??
    join('runs', `${base.name}-sweep-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 23)}`)
  const runs: SweepRun[] = sweepMatrix(values.grid).map((overrides, index) => {
    const outDir = join(sweepDir, String(index))
    const loaded = loadTrainConfig(values.config, [...sets, ...overrides, `out_dir=${outDir}`], flags)
    return { index, overrides, outDir, hash: loaded.hash }
  })
  io.stdout(
    `${formatTable(
      runs.map((r) => ({
        '#': r.index,
        overrides: r.overrides.join(' '),
        'config hash': r.hash.slice(0, 12),
        out_dir: r.outDir,
      })),
    )}\n`,
  )
  if (!values.run) {
    io.stdout(`${runs.length} runs; add --run to train them\n`)
    return EXIT.ok
  }
  const codes: number[] = []
  for (const run of runs) {
    io.stdout(`\n[sweep ${run.index + 1}/${runs.length}] ${run.overrides.join(' ')}\n`)
    const args = ['--config', values.config]
    for (const s of [...sets, ...run.overrides, `out_dir=${run.outDir}`]) args.push('--set', s)
    for (const flag of ['seed', 'backend', 'system-metrics', 'max-steps'] as const) {
      const v = values[flag]
      if (v !== undefined) args.push(`--${flag}`, String(v))
    }
    const code = await runCommand(trainCommand, args, io)
    codes.push(code)
    if (code === EXIT.interrupted) break
  }
  io.stdout(`sweep done: ${codes.filter((c) => c === 0).length}/${runs.length} runs finished\n`)
  if (codes.includes(EXIT.interrupted)) return EXIT.interrupted
  return codes.every((c) => c === 0) ? EXIT.ok : EXIT.failed
}
