import { statusCli } from '../src/app/report/status-command.ts'
import { processIo } from '../src/foundation/cli/io.ts'
import { runCommand } from '../src/foundation/cli/run-command.ts'
import { runMain } from '../src/foundation/cli/run-main.ts'

await runMain((argv) => runCommand(statusCli, argv, processIo()))
