import { runMain } from '../src/cli/run-main.ts'
import { hookCli } from '../src/hooks/hook-cli.ts'
import { mark } from '../src/hooks/timeline.ts'

mark('modules loaded')
await runMain(hookCli)
