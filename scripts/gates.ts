import { gatesCli } from '../src/app/gates-cli.ts'
import { runMain } from '../src/foundation/cli/run-main.ts'

await runMain((argv) => gatesCli(argv))
