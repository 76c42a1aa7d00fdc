import { reportCli } from '../src/app/report/report-command.ts'
import { processIo } from '../src/foundation/cli/io.ts'
import { runCommand } from '../src/foundation/cli/run-command.ts'
import { runMain } from '../src/foundation/cli/run-main.ts'

await runMain((argv) => runCommand(reportCli, argv, processIo()))
