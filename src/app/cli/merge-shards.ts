import { existsSync, readdirSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { defineCommand } from '../../foundation/cli/define-command.ts'
import { EXIT, UserError } from '../../foundation/errors/user-error.ts'
import { gatedRoot } from './gated-root.ts'

/**
 * `codex-gates merge DIR`: the shards' blob reports replayed as one Vitest run (Vitest's
 * `--merge-reports`) into one ledger session, each row keeping the host and shard that ran it;
 * with --coverage the shards' coverage is merged and thresholds and the ratchet checked, once.
 */
export const mergeCommand = defineCommand({
  name: 'merge',
  summary: "merge the shards' blob reports (codex-gates run --shard) into one ledger session",
  positionals: [
    { name: 'dir', description: 'the folder every shard wrote its blob into (--blob-dir)', required: true },
  ],
  options: {
    root: { type: 'string', valueName: 'dir', description: 'the repository (default: the git root here)' },
    coverage: {
      type: 'boolean',
      description: "merge the shards' coverage and check thresholds and the ratchet (shards ran with --coverage)",
    },
  },
  examples: ['.codex/blobs', '.codex/blobs --coverage'],
  run: async ({ options, positionals, io }) => {
    const root = gatedRoot(io.cwd, options.root)
    const given = positionals[0] as string
    const dir = resolve(io.cwd, given)
    const blobs = existsSync(dir) && statSync(dir).isDirectory() ? readdirSync(dir) : null
    if (!blobs || blobs.length === 0)
      throw new UserError(
        'SHARD_BLOBS',
        `codex-gates merge ${given}: ${blobs ? 'the folder is empty' : 'no such folder'} (${dir})`,
        'run `codex-gates run --shard i/N --blob-dir DIR` on each shard and gather their blob-*.json files in DIR',
      )
    const [{ loadVitest }, reporterModule] = await Promise.all([
      import('./load-vitest.ts'),
      import('../../adapters/reporter/ledger-reporter.ts'),
    ])
    const { node } = await loadVitest(root)
    const before = process.exitCode
    process.exitCode = undefined
    // Vitest resolves the folder from the working directory; ours is absolute.
    const vitest = await node.startVitest('test', [], {
      root,
      watch: false,
      mergeReports: dir,
      reporters: ['default', new reporterModule.default()],
      ...(options.coverage ? { coverage: { enabled: true } } : {}),
    })
    const elsewhere = (vitest?.state.blobs?.files ?? []).find((f) => !f.filepath.startsWith(`${root}/`))
    if (elsewhere)
      io.stderr(
        `codex-gates merge: a shard ran at another path (${elsewhere.filepath}, this checkout is ${root}); ` +
          "the ledger rows are right, but Vitest's summary and exit code count no test file: " +
          'check out at the same path on every machine (docs/sharding.md)\n',
      )
    await vitest?.close()
    const code = process.exitCode ?? (vitest ? EXIT.ok : EXIT.failed)
    process.exitCode = before
    return Number(code)
  },
})
