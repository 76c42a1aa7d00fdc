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
 * that the coverage provider itself uses (resolved from it: it is its dependency, not ours).
 */
export async function mergedShardCoverage(vitest: Vitest | undefined): Promise<CoverageMapLike | undefined> {
  const coverages = (vitest?.state.blobs?.coverages ?? []).filter((c) => c !== undefined && c !== null)
  if (!vitest || coverages.length === 0) return undefined
  try {
    const istanbul = createRequire(providerManifest(vitest.config.root))('istanbul-lib-coverage') as {
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

/** The installed coverage provider's package.json (v8, else istanbul): istanbul-lib-coverage resolves from there. */
function providerManifest(root: string): string {
  const fromRoot = createRequire(join(root, 'noop.js'))
  try {
    return fromRoot.resolve('@vitest/coverage-v8/package.json')
  } catch {
    return fromRoot.resolve('@vitest/coverage-istanbul/package.json')
  }
}
