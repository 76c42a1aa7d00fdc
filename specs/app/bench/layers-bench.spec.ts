import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { layersBench } from '../../../src/app/bench/layers-bench.ts'
import { PACKAGE_ROOT } from '../../../src/domain/gates/repo-files.ts'
import { tempRepo } from '../../domain/gates/_temp-repo.ts'
import { measureBench } from './measure-bench.ts'

const depcruise = existsSync(join(PACKAGE_ROOT, 'node_modules', 'dependency-cruiser', 'package.json'))

describe('layersBench()', () => {
  test.skipIf(!depcruise)(
    'our gate and dependency-cruiser report the same planted violations (skips without dependency-cruiser)',
    async () => {
      const root = tempRepo(
        {
          'src/errors/user-error.ts': "import { run } from '../train/loop.ts'\nexport class UserError {}\n",
          'src/train/loop.ts': [
            "import { spawn } from 'node:child_process'",
            "import { score } from '../eval/score.ts'",
            "import { fixture } from '../../specs/fixture.ts'",
            'export const run = () => 1',
            '',
          ].join('\n'),
          'src/eval/score.ts': "import { run } from '../train/loop.ts'\nexport const score = 1\n",
          'src/gates/a.ts': "import { b } from './b.ts'\nexport const a = 1\n",
          'src/gates/b.ts': "import type { A } from './a.ts'\nexport const b = 2\n",
          'scripts/tool.ts': "import { UserError } from '../src/errors/user-error.ts'\n",
          'specs/fixture.ts': 'export const fixture = 1\n',
        },
        { git: true },
      )
      const result = await measureBench(layersBench, ['--repeats', '1', '--root', root])
      const same = result.targets?.find((t) => t.target.startsWith('same violations'))
      expect(same, JSON.stringify(result.extra)).toMatchObject({ met: true })
      expect(result.extra?.violations).toEqual({
        ours: {
          cycle: 2,
          'forbidden:no-processes-in-train': 1,
          'forbidden:no-specs-from-src': 1,
          independent: 2,
          upward: 1,
        },
        dependency_cruiser: {
          cycle: 2,
          'forbidden:no-processes-in-train': 1,
          'forbidden:no-specs-from-src': 1,
          independent: 2,
          upward: 1,
        },
      })
      expect(result.rows.map((r) => r.run)).toEqual([
        'ours, cold (node, bundled JS)',
        'ours, cold (tsx, TypeScript source)',
        'dependency-cruiser, cold (depcruise CLI)',
        'ours, warm (in process)',
        'dependency-cruiser, warm (in process, cruise())',
      ])
    },
    180_000,
  )
})
