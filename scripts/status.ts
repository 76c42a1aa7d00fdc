import { statusCommand } from '../src/app/report/status-command.ts'
import { runMain } from '../src/foundation/cli/run-main.ts'

await runMain((argv) => statusCommand(argv))
