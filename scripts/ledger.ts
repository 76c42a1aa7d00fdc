import { ledgerCli } from '../src/app/ledger-cli.ts'
import { runMain } from '../src/foundation/cli/run-main.ts'

await runMain((argv) => ledgerCli(argv))
