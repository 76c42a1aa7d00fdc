import { runMain } from '../src/cli/run-main.ts'
import { statusCommand } from '../src/report/status-command.ts'

await runMain((argv) => statusCommand(argv))
