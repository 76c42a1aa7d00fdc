import { mark } from '../src/adapters/hooks/timeline.ts'
import { hookCommand } from '../src/app/hook/hook-command.ts'
import { processIo } from '../src/foundation/cli/io.ts'
import { runCommand } from '../src/foundation/cli/run-command.ts'
import { runMain } from '../src/foundation/cli/run-main.ts'

mark('modules loaded')
// No top-level await: the hook's bundle is CommonJS-shaped, for V8's code cache (.husky/runner-bundle.mjs).
void runMain((argv) => runCommand(hookCommand, argv, processIo()))
