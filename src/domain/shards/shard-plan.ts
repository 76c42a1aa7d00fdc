import { existsSync, readFileSync } from 'node:fs'
import { UserError } from '../../foundation/errors/user-error.ts'
import { type Job, lowerBound, lptPack, makespan, median } from './lpt-pack.ts'

/** `codex-gates plan-shards N`'s output: N include-lists, packed by duration. */
export interface ShardPlan {
  version: 1
  count: number
  /** How many recent sessions the durations came from. */
  sessions: number
  /** What a file without history was assumed to take (the median of the others), ms. */
  medianMs: number
  /** Files the ledger has no duration for. */
  newFiles: string[]
  /** Estimated critical path (the slowest shard) and the bound no packing beats, ms. */
  estimatedMs: number
  lowerBoundMs: number
  shards: { files: string[]; estimatedMs: number }[]
}

/**
 * Packs today's test files (repo-relative) into `count` shards by their recorded durations
 * (`history`: file → ms, summed over the projects that run it); files without history get the
 * median. Pure.
 */
export function planShards(
  files: readonly string[],
  history: ReadonlyMap<string, number>,
  count: number,
  sessions: number,
): ShardPlan {
  const known = files.filter((f) => history.has(f)).map((f) => history.get(f) as number)
  const medianMs = median(known)
  const newFiles = files.filter((f) => !history.has(f)).sort()
  const jobs: Job[] = files.map((file) => ({ file, durationMs: history.get(file) ?? medianMs }))
  const bins = lptPack(jobs, count)
  return {
    version: 1,
    count,
    sessions,
    medianMs: round(medianMs),
    newFiles,
    estimatedMs: round(makespan(bins)),
    lowerBoundMs: round(lowerBound(jobs, count)),
    shards: bins.map((b) => ({ files: b.files, estimatedMs: round(b.totalMs) })),
  }
}

/** The files of shard `index` (1-based) of the plan at `path`, checked against `count`. */
export function planFiles(path: string, index: number, count: number): string[] {
  const fix = `run \`codex-gates plan-shards ${count}\` first (on any machine with the ledger; copy ${path} to each shard)`
  if (!existsSync(path)) throw new UserError('SHARD_PLAN', `--balanced: no shard plan at ${path}`, fix)
  let plan: ShardPlan
  try {
    plan = JSON.parse(readFileSync(path, 'utf8')) as ShardPlan
  } catch (error) {
    throw new UserError('SHARD_PLAN', `--balanced: ${path} is not JSON (${String(error)})`, fix)
  }
  if (plan.version !== 1 || !Array.isArray(plan.shards))
    throw new UserError('SHARD_PLAN', `--balanced: ${path} is not a shard plan (version 1)`, fix)
  if (plan.count !== count)
    throw new UserError('SHARD_PLAN', `--balanced: ${path} plans ${plan.count} shards, not ${count}`, fix)
  return plan.shards[index - 1]?.files ?? []
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10
}
