import { UserError } from '../../foundation/errors/user-error.ts'

/** One shard of N: `index` counts from 1, as Vitest's `--shard i/N` does. */
export interface ShardSpec {
  index: number
  count: number
}

/** Parses `i/N` (1 ≤ i ≤ N); a bad value is exit 2 naming the flag. */
export function parseShard(value: string, flag = '--shard'): ShardSpec {
  const match = /^(\d+)\/(\d+)$/.exec(value.trim())
  const index = Number(match?.[1])
  const count = Number(match?.[2])
  if (!match || index < 1 || count < 1 || index > count)
    throw new UserError(
      'BAD_FLAG',
      `${flag} ${value}: expected i/N with 1 ≤ i ≤ N`,
      `e.g. ${flag} 2/4 runs the second of four shards`,
    )
  return { index, count }
}

/** `i/N`, as stored in `test_results.shard`. */
export function shardLabel(shard: ShardSpec): string {
  return `${shard.index}/${shard.count}`
}
