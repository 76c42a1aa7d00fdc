import { runMain } from '../src/cli/run-main.ts'
import { reportCommand } from '../src/report/report-command.ts'

await runMain((argv) => reportCommand(argv))
