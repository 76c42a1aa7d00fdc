import { userCommand } from '../foundation/cli/user-command.ts'
import { UserError } from '../foundation/errors/user-error.ts'
import { mergeLedgers } from '../ledger/merge-ledgers.ts'

/** `ledger merge A.db B.db … --into C.db`: the shell over mergeLedgers (src/ledger/merge-ledgers.ts). */
export function ledgerMerge(
  sources: readonly string[],
  values: Record<string, unknown>,
  io: { out: (text: string) => void },
): number {
  const into = values.into as string | undefined
  if (!into || sources.length === 0)
    throw new UserError(
      'BAD_USAGE',
      `ledger merge: ${into ? 'no ledger to merge' : '--into is missing'}`,
      `e.g. \`${userCommand('ledger merge alice.db bob.db --into team.db')}\``,
    )
  const results = mergeLedgers(sources, into)
  if (values.json) {
    io.out(`${JSON.stringify({ into, sources: results }, null, 2)}\n`)
    return 0
  }
  for (const r of results)
    io.out(
      `${r.source}: ${r.added} of ${r.rows} rows added to ${into}${r.added < r.rows ? ` (${r.rows - r.added} already there)` : ''}\n`,
    )
  return 0
}
