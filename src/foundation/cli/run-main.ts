import { join } from 'node:path'
import { EXIT, errorMessage, isUserError } from '../errors/user-error.ts'
import { appendJsonLines } from '../redact/append-json-lines.ts'

/** A command: takes argv (without node and script), returns an exit code. */
export type Command = (argv: string[]) => Promise<number> | number

/**
 * The one `main` of every CLI: user errors → message + hint, exit 2, no stack; anything else is
 * a bug → `BUG:` line, stack written to `.codex/bugs.log`, exit 3.
 */
export async function runMain(command: Command, argv: string[] = process.argv.slice(2)): Promise<never> {
  let code: number
  try {
    code = await command(argv)
  } catch (error) {
    code = reportError(error)
  }
  process.exitCode = code
  // Let stdout drain before leaving; process.exit() can cut piped output short.
  await new Promise((resolve) => setImmediate(resolve))
  process.exit(code)
}

/** Where `reportError` writes a bug: the log and the command line it records. */
export interface BugLog {
  /** Default `.codex/bugs.log` in the working directory. */
  path?: string
  /** Default `process.argv.slice(2)`. */
  argv?: readonly string[]
}

/** Prints an error the way users should see it and returns its exit code. */
export function reportError(error: unknown, log: BugLog = {}): number {
  if (isUserError(error)) {
    process.stderr.write(`error: ${error.message}\n`)
    if (error.hint) process.stderr.write(`  hint: ${error.hint}\n`)
    return error.exitCode
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error)
  process.stderr.write(`BUG: ${errorMessage(error)}\n`)
  try {
    const entry = {
      ts: new Date().toISOString(),
      node: process.version,
      argv: log.argv ?? process.argv.slice(2),
      stack,
    }
    appendJsonLines(log.path ?? join('.codex', 'bugs.log'), [entry]) // argv and stacks carry what users typed: masked
    process.stderr.write('  the stack was written to .codex/bugs.log; please report it\n')
  } catch {
    process.stderr.write(`${stack}\n`)
  }
  return EXIT.bug
}
