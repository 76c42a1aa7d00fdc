import { gatesCommand } from '../src/app/gates/gates-command.ts'
import { processIo } from '../src/foundation/cli/io.ts'
import { runCommand } from '../src/foundation/cli/run-command.ts'
import { runMain } from '../src/foundation/cli/run-main.ts'

await runMain((argv) => runCommand(gatesCommand(), argv, processIo()))
