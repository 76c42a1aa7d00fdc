import { createRequire } from 'node:module'
import { join } from 'node:path'
import type { Vitest } from 'vitest/node'
import type { CoverageMapLike } from '../../domain/coverage/coverage-rows.ts'

interface IstanbulMap extends CoverageMapLike {
  merge(other: unknown): void
}

/**
 * The shards' coverage maps merged into one, when this run replays blobs (`vitest --merge-reports`,
 * `codex-gates merge`) that carry coverage; undefined otherwise. Vitest merges them too, but only
 * after `onTestRunEnd` and without calling `onCoverage` (see ../shared/notes/vitest4.md), so the
 * ledger reporter would never see the whole run's coverage. Merged with the istanbul-lib-coverage
 * that @vitest/coverage-v8 itself uses (resolved from it: it is its dependency, not ours).
 */
export async function mergedShardCoverage(vitest: Vitest | undefined): Promise<CoverageMapLike | undefined> {
  const coverages = (vitest?.state.blobs?.coverages ?? []).filter((c) => c !== undefined && c !== null)
  if (!vitest || coverages.length === 0) return undefined
  try {
    const fromRoot = createRequire(join(vitest.config.root, 'noop.js'))
    const provider = fromRoot.resolve('@vitest/coverage-v8/package.json')
    const istanbul = createRequire(provider)('istanbul-lib-coverage') as {
      createCoverageMap(data?: unknown): IstanbulMap
    }
    const map = istanbul.createCoverageMap({})
    for (const coverage of coverages) map.merge(coverage)
    return map
  } catch (error) {
    process.stderr.write(
      `codex-gates: the shards' coverage could not be merged for the ledger (${String(error)}); Vitest still checks its thresholds\n`,
    )
    return undefined
  }
}
