import type { Command } from '../../foundation/cli/run-main.ts'
import { sweepCommand } from './sweep-command.ts'
import { trainCommand } from './train-command.ts'

/**
 * Subcommands of `npm run train -- <name> …`; anything else is a training run. A new
 * subcommand is one line here (e.g. `export`, `sample`).
 */
export const TRAIN_SUBCOMMANDS: Record<string, Command> = {
  sweep: (argv) => sweepCommand(argv),
  export: async (argv) => (await import('./export-command.ts')).exportCommand(argv),
  sample: async (argv) => (await import('./sample-command.ts')).sampleCommand(argv),
  import: async (argv) => (await import('./import-command.ts')).importCommand(argv),
  registry: async (argv) => (await import('./registry-command.ts')).registryCommand(argv),
}

/** `npm run train -- …`: a subcommand by its first argument, else train. */
export function trainCli(argv: string[]): Promise<number> | number {
  const [first, ...rest] = argv
  const sub = first !== undefined ? TRAIN_SUBCOMMANDS[first] : undefined
  return sub ? sub(rest) : trainCommand(argv)
}
