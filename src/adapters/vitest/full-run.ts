import type { Vitest } from 'vitest/node'

/**
 * Why this run is not a full run (so thresholds and the ratchet do not apply), or null when it
 * is: a project, shard, name, changed-files or file filter leaves test files out, and coverage of
 * a subset would fail thresholds set for the whole suite.
 */
export async function partialRunReason(vitest: Vitest): Promise<string | null> {
  const config = vitest.config
  if (config.project?.length) return `--project ${config.project.join(' ')}`
  if (config.shard) return `--shard ${config.shard.index}/${config.shard.count}`
  if (config.testNamePattern) return `-t ${String(config.testNamePattern)}`
  if (config.changed || config.related?.length) return '--changed/--related'
  const all = (await vitest.globTestSpecifications()).length
  const ran = vitest.state.getTestModules().length
  return ran < all ? `file filters: ${ran} of ${all} test files ran` : null
}

/**
 * Turns Vitest's own threshold check off for this run. Called from `onCoverage`, which runs
 * before Vitest checks thresholds; `config.coverage` is the provider's resolved options object,
 * the one it reads then.
 */
export function disableThresholds(vitest: Vitest): void {
  vitest.config.coverage.thresholds = undefined
}
