import { defineCommand } from '../../foundation/cli/define-command.ts'
import { BENCHES } from './registry.ts'

/** `npm run bench -- <name> [options]`: each benchmark a subcommand, loaded when it runs. */
export const benchCli = defineCommand({
  name: 'npm run bench --',
  summary: 'run one benchmark: print its table and write reports/bench/<name>.json',
  subcommands: BENCHES,
  examples: ['ledger --rows 200000', 'train --only tiny --steps 20', 'hook --help'],
})
