import { UserError } from '../errors/user-error.ts'
import { type CommandDef, defineCommand } from './define-command.ts'

/**
 * A subcommand that moved elsewhere: listed under its old name (`--help` shows where it went),
 * it takes any arguments and answers with a usage error (exit 2) naming the new spelling, the
 * arguments given included, so the old habit gets the fix instead of "unknown command".
 */
export function movedCommand(name: string, to: string): CommandDef {
  return defineCommand({
    name,
    summary: `moved: \`${to}\``,
    passthrough: true,
    run: ({ argv, path }) => {
      throw new UserError(
        'COMMAND_MOVED',
        `${path} has moved to \`${to}\``,
        `run \`${[to, ...argv.filter((a) => a !== '--help' && a !== '-h').map(shellWord)].join(' ')}\` (see \`${to} --help\`)`,
      )
    },
  })
}

// --- internal ---

/** `word` as a shell reads it back: bare when it is plain, else in single quotes. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`
}
