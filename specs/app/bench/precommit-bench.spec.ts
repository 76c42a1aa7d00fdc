// The benchmark against Debian's pre-commit, run small: both tools pass on the fixture, every
// row has both medians, the targets are reported. Skips where pre-commit is not installed.
import { spawnSync } from 'node:child_process'
import { describe, expect, test } from 'vitest'
import { precommitBench } from '../../../src/app/bench/precommit-bench.ts'
import { measureBench } from './measure-bench.ts'

const hasPreCommit = spawnSync('pre-commit', ['--version']).status === 0
const hasPython = spawnSync('python3', ['--version']).status === 0

describe('precommitBench()', () => {
  test.skipIf(!hasPreCommit || !hasPython)(
    'times cold, warm and the commit hook for both tools on one fixture',
    async (ctx) => {
      if (!hasPreCommit || !hasPython)
        return ctx.skip('pre-commit or python3 is not installed (apt-get install -y pre-commit)')
      const result = await measureBench(precommitBench, ['--runs', '1', '--hook-runs', '1', '--files', '24'])
      expect(result.rows.map((r) => r.run)).toEqual([
        '--all-files, cold (24 files)',
        '--all-files, warm (24 files)',
        'commit hook, one staged file',
      ])
      for (const row of result.rows) {
        expect(row['pre-commit median ms']).toBeGreaterThan(0)
        expect(row['codex-gates median ms']).toBeGreaterThan(0)
        expect(row['ratio (pre-commit / codex-gates)']).toBeGreaterThan(0)
      }
      expect(result.targets?.map((t) => t.target)).toEqual([
        'warm run >= 2x faster than pre-commit',
        'cold run no slower than pre-commit (ratio >= 1)',
        'commit hook on a one-file change <= 300 ms median',
      ])
    },
    300_000,
  )
})
