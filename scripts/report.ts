import { reportCommand } from '../src/app/report/report-command.ts'
import { runMain } from '../src/foundation/cli/run-main.ts'

await runMain((argv) => reportCommand(argv))
