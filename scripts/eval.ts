import { runMain } from '../src/cli/run-main.ts'
import { evalCommand } from '../src/eval/score-command.ts'

await runMain((argv) => evalCommand(argv))
