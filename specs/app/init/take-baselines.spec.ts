import { describe, expect, test } from 'vitest'
import { planBaselines, takeBaseline } from '../../../src/app/init/take-baselines.ts'
import { resolveGatesConfig } from '../../../src/domain/gates/gates-config.ts'
import { tempRepo } from '../../domain/gates/_temp-repo.ts'

const env = { ...process.env, CODEX_GATES_NO_CACHE: '1' }

describe('takeBaseline()', () => {
  test('"not installed" findings are never accepted: they are fixed by installing', async () => {
    const root = tempRepo({ 'package.json': { devDependencies: { vitest: '*' } } }, { git: true })
    const config = resolveGatesConfig({}, undefined)
    const taken = await takeBaseline('deps', { root, config, env })
    if (!('write' in taken)) throw new Error('deps should run here')
    // The scan finds missing-lockfile (a setup fault) and returns before the spec checks: nothing to accept.
    expect(JSON.parse(taken.write.content).entries).toEqual([])
  })

  test('a disabled or skipped gate takes no baseline and says why', async () => {
    const root = tempRepo({ 'a.txt': 'a' }, { git: true })
    const config = resolveGatesConfig({ gates: { secrets: { enabled: false } } }, undefined)
    expect(await takeBaseline('secrets', { root, config, env })).toEqual({ skipped: 'gates.secrets.enabled is false' })
    expect(await takeBaseline('typecheck', { root, config, env })).toEqual({ skipped: 'no tsconfig.json at the root' })
  })
})

describe('planBaselines()', () => {
  test('one file per gate that runs (empty ones too), none for the environment gates; existing files are kept', async () => {
    const root = tempRepo(
      { 'a.py': 'x = 1\n', 'b.py': 'x = 1\n', '.codex-gates/baselines/secrets.json': '{}' },
      { git: true },
    )
    const config = resolveGatesConfig({}, undefined)
    const plan = await planBaselines(['secrets', 'duplicates', 'toolchain', 'integrity', 'placeholders'], {
      root,
      config,
      env,
    })
    expect(plan.kept).toEqual(['.codex-gates/baselines/secrets.json'])
    expect(plan.writes.map((w) => [w.path, w.accepted])).toEqual([
      ['.codex-gates/baselines/duplicates.json', 1],
      ['configs/placeholders.baseline.json', 0],
    ])
  })
})
