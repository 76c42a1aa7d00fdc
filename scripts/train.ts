import { trainCli } from '../src/app/train/train-cli.ts'
import { runMain } from '../src/foundation/cli/run-main.ts'

await runMain((argv) => trainCli(argv))
