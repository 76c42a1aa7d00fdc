import { ledgerCli } from '../src/app/ledger/ledger-command.ts'
import { runMain } from '../src/foundation/cli/run-main.ts'

await runMain((argv) => ledgerCli(argv))
