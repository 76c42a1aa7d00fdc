import { UserError } from '../../foundation/errors/user-error.ts'
import { mergeLedgers } from '../../ledger/merge-ledgers.ts'
import { JSON_OPTION, ledgerVerb, printJson } from './ledger-verb.ts'

/** `ledger merge A.db B.db … --into C.db`: the shell over mergeLedgers (src/ledger/merge-ledgers.ts). */
export const mergeVerb = ledgerVerb({
  name: 'merge',
  summary: 'merge other ledgers (other machines, shards) into one; a re-merge adds nothing',
  options: {
    into: { type: 'string', valueName: 'file', description: 'the ledger to merge into (created if missing)' },
    ...JSON_OPTION,
  },
  positionals: [{ name: 'ledgers', description: 'the ledgers to merge from', variadic: true }],
  examples: ['alice.db bob.db --into team.db'],
  run: (_ledger, { options, positionals: sources, io, path }) => {
    const into = options.into
    if (!into || sources.length === 0)
      throw new UserError(
        'BAD_USAGE',
        `${path}: ${into ? 'no ledger to merge' : '--into is missing'}`,
        `e.g. \`${path} alice.db bob.db --into team.db\``,
      )
    const results = mergeLedgers(sources, into)
    if (options.json) return printJson(io, { into, sources: results })
    for (const r of results)
      io.stdout(
        `${r.source}: ${r.added} of ${r.rows} rows added to ${into}${r.added < r.rows ? ` (${r.rows - r.added} already there)` : ''}\n`,
      )
    return 0
  },
})
