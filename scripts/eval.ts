import { evalCommand } from '../src/app/eval/score-command.ts'
import { runMain } from '../src/foundation/cli/run-main.ts'

await runMain((argv) => evalCommand(argv))
