import { runMain } from '../src/cli/run-main.ts'
import { gatesCli } from '../src/gates/gates-cli.ts'

await runMain((argv) => gatesCli(argv))
