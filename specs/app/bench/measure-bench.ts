import type { BenchResult } from '../../../src/app/bench/bench-report.ts'
import type { BenchCommand } from '../../../src/app/bench/define-bench.ts'
import type { OptionDefs } from '../../../src/foundation/cli/define-command.ts'
import { memoryIo } from '../../../src/foundation/cli/io.ts'
import { runCommand } from '../../../src/foundation/cli/run-command.ts'

/**
 * `npm run bench -- <name> <argv>` parsed and checked exactly as the command does, then measured
 * without printing the table or writing reports/bench/: the figures, for specs.
 */
export async function measureBench<O extends OptionDefs>(bench: BenchCommand<O>, argv: string[]): Promise<BenchResult> {
  let result: BenchResult | undefined
  const io = memoryIo({ env: process.env })
  await runCommand(
    {
      ...bench,
      run: async ({ options }) => {
        result = await bench.measure(options, io)
        return 0
      },
    },
    argv,
    io,
    `npm run bench -- ${bench.name}`,
  )
  if (!result) throw new Error(`npm run bench -- ${bench.name} ${argv.join(' ')} measured nothing`)
  return result
}
