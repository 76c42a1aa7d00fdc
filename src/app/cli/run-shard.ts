import { hostname } from 'node:os'
import { join, resolve } from 'node:path'
import { planFiles } from '../../domain/shards/shard-plan.ts'
import { parseShard, shardLabel } from '../../domain/shards/shard-spec.ts'
import type { Io } from '../../foundation/cli/io.ts'
import { EXIT, UserError } from '../../foundation/errors/user-error.ts'

export interface ShardRunOptions {
  /** `i/N`. */
  shard: string
  /** Where the blob goes (`blob-<i>-<N>.json`); the folder `codex-gates merge` reads. */
  blobDir: string | undefined
  /** Run the files `codex-gates plan-shards N` assigned to this shard instead of Vitest's cut. */
  balanced: boolean
  /** The plan (default `.codex/shard-plan.json`). */
  plan: string | undefined
  /** The host recorded on this shard's rows (default this machine's name). */
  host: string | undefined
  projects: readonly string[]
  coverage: boolean
}

/** Default place of the plan, relative to the repository. */
export const DEFAULT_PLAN = join('.codex', 'shard-plan.json')

/**
 * `codex-gates run --shard i/N --blob-dir DIR`: one shard of the repository's own Vitest config
 * (all its projects, or --project), written as a Vitest blob report and no ledger session; every
 * test stamped with host and shard (ShardStampReporter), coverage thresholds off. Thin over
 * Vitest's `--shard` and `--reporter=blob`; with --balanced, the plan's files instead of `--shard`.
 */
export async function runShard(root: string, options: ShardRunOptions, io: Io): Promise<number> {
  const shard = parseShard(options.shard)
  if (!options.blobDir)
    throw new UserError(
      'BAD_FLAG',
      `codex-gates run --shard ${options.shard}: --blob-dir is missing`,
      'add --blob-dir DIR (the same DIR on every shard, then `codex-gates merge DIR`)',
    )
  const blobDir = resolve(io.cwd, options.blobDir)
  const outputFile = join(blobDir, `blob-${shard.index}-${shard.count}.json`)
  const files = options.balanced
    ? planFiles(resolve(root, options.plan ?? DEFAULT_PLAN), shard.index, shard.count).map((f) => join(root, f))
    : []
  if (options.balanced && files.length === 0) {
    io.stdout(` shard ${shardLabel(shard)}: the plan gives this shard no files; nothing to run\n`)
    return EXIT.ok
  }
  const [{ loadVitest }, { ShardStampReporter }] = await Promise.all([
    import('./load-vitest.ts'),
    import('../../adapters/reporter/shard-stamp-reporter.ts'),
  ])
  const { node } = await loadVitest(root)
  const stamp = new ShardStampReporter({ host: options.host ?? hostname(), shard: shardLabel(shard) })
  const before = process.exitCode
  process.exitCode = undefined
  const vitest = await node.startVitest('test', files, {
    root,
    watch: false,
    passWithNoTests: true,
    // CLI-level reporters replace the config's: no ledger session per shard, the merge writes it.
    reporters: ['default', stamp, ['blob', { outputFile }]],
    ...(options.balanced ? {} : { shard: shardLabel(shard) }),
    ...(options.projects.length ? { project: [...options.projects] } : {}),
    ...(options.coverage ? { coverage: { enabled: true } } : {}),
  })
  await vitest?.close()
  const code = process.exitCode ?? (vitest ? EXIT.ok : EXIT.failed)
  process.exitCode = before
  return Number(code)
}
