import { processIo } from '../../foundation/cli/io.ts'
import { runCommand } from '../../foundation/cli/run-command.ts'
import { runCommandDef } from './run-gates.ts'

/**
 * `npm run gates` without Vitest flags: `codex-gates run` itself, so a warm run records the
 * cached verdicts and starts no Vitest (with Vitest flags it stays `vitest run --project gates`).
 */
export function runGatesFromNpm(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  return runCommand(runCommandDef, argv, { ...processIo(), env })
}
