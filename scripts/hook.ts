import { mark } from '../src/adapters/hooks/timeline.ts'
import { hookCli } from '../src/app/hook-cli.ts'
import { runMain } from '../src/foundation/cli/run-main.ts'

mark('modules loaded')
await runMain(hookCli)
