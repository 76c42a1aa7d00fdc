import type { CommandDef, OptionDefs, OptionValues } from '../../foundation/cli/define-command.ts'
import type { Io } from '../../foundation/cli/io.ts'
import { EXIT } from '../../foundation/errors/user-error.ts'
import { type BenchResult, publishBench } from './bench-report.ts'

/** A benchmark declared once: its options (parsed and checked by the command kit) and what it measures. */
export interface BenchDef<O extends OptionDefs> {
  name: string
  /** One line for `npm run bench -- --help`. */
  summary: string
  description?: string
  options: O
  examples?: readonly string[]
  /** Measures and returns the figures; writes nothing to stdout (the command prints the table). */
  measure: (options: OptionValues<O>, io: Io) => Promise<BenchResult>
}

/** `npm run bench -- <name>`: the command, with its measuring kept callable on its own (specs). */
export type BenchCommand<O extends OptionDefs> = CommandDef<O> & Pick<BenchDef<O>, 'measure'>

/** A benchmark's command: measure, then print the table and write `reports/bench/<name>.json`. */
export function defineBench<O extends OptionDefs>(def: BenchDef<O>): BenchCommand<O> {
  return {
    ...def,
    run: async ({ options, io }) => {
      publishBench(await def.measure(options, io), io)
      return EXIT.ok
    },
  }
}
