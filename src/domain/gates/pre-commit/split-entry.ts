import { UserError } from '../../../foundation/errors/user-error.ts'
import { ShlexSplitError, shlexSplit } from '../../../foundation/process/shlex-split.ts'

/** Where a hook's `entry` comes from, for the message when it cannot be split. */
export interface EntryWhere {
  /** The config file as named in messages, e.g. `.pre-commit-config.yaml`. */
  file: string
  /** 1-based line of the `entry` (or of the hook when the entry is the manifest's). */
  line: number
  id: string
  repo: string
}

/**
 * `shlex.split(entry)`, as pre-commit splits a hook's `entry` into its command. A quote left open
 * or a backslash at the end is the config's mistake: a PRE_COMMIT_CONFIG UserError naming the
 * file, line, hook and field, what is wrong (at which character) and how to fix it, never
 * shlex's bare error.
 */
export function splitHookEntry(entry: string, where: EntryWhere): string[] {
  try {
    return shlexSplit(entry)
  } catch (error) {
    if (!(error instanceof ShlexSplitError)) throw error
    throw new UserError(
      'PRE_COMMIT_CONFIG',
      `${where.file}:${where.line}: hook ${where.id} (repo ${where.repo}) field \`entry\` ${JSON.stringify(entry)} cannot be split into a command: ${error.reason}`,
      `in the \`entry\` of hook ${where.id} in ${where.file}: ${error.fix}`,
    )
  }
}
