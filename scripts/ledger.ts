import { runMain } from '../src/cli/run-main.ts'
import { ledgerCli } from '../src/ledger/cli/ledger-cli.ts'

await runMain((argv) => ledgerCli(argv))
