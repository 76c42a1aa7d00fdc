import { runMain } from '../src/cli/run-main.ts'
import { trainCli } from '../src/train/cli/train-cli.ts'

await runMain((argv) => trainCli(argv))
