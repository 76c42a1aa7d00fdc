import { describe, expect, test } from 'vitest'
import { GATE_KEYS, loadGateKey } from '../../../src/domain/gates/gate-keys.ts'
import { GATE_NAMES, loadGatesConfig } from '../../../src/domain/gates/gates-config.ts'
import { loadGate } from '../../../src/domain/gates/registry.ts'
import { gateFiles } from '../../../src/domain/gates/run-gate.ts'
import { tempRepo } from './_temp-repo.ts'

// A repository every gate applies to (Python dependency files, a notebook, layer rules, a lock),
// and one none of the optional ones applies to: the key side must answer as the gate does on both.
const PYTHON_REPO = {
  'codex-gates.json': { gates: { layers: { layers: [{ name: 'src', paths: ['src/**'] }] } } },
  'package.json': { name: 'fixture', version: '1.0.0', dependencies: {} },
  'package-lock.json': { name: 'fixture', lockfileVersion: 3, packages: { '': { name: 'fixture' } } },
  'tsconfig.json': { compilerOptions: { strict: true } },
  'biome.json': {},
  'README.md': '# Fixture\n\nSee [the code](src/a.ts).\n',
  'src/a.ts': "import { b } from './b.ts'\nexport const a = b\n",
  'src/b.ts': 'export const b = 1\n',
  'train.py': 'import os\nprint(os.getcwd())\n',
  'requirements.txt': 'requests==2.32.3\n',
  'pyproject.toml': '[project]\nname = "fixture"\nversion = "0.1.0"\n',
  'nb.ipynb': { cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 },
  '.env.example': 'A=1\n',
}

const SKIPPED_BARE = [
  'typecheck',
  'lint',
  'integrity',
  'deps',
  'licenses',
  'layers',
  'python-deps',
  'notebook-outputs',
  'python-types',
  'python-lint',
]

describe('loadGateKey()', () => {
  test('the key registry has exactly the configured gates', () => {
    expect(Object.keys(GATE_KEYS).sort()).toEqual([...GATE_NAMES].sort())
  })

  test.each([
    ['every gate applies', PYTHON_REPO, ['integrity']],
    ['no optional gate applies', { 'notes.txt': 'hello\n' }, SKIPPED_BARE],
  ])('%s: each key side gives the skip reason and cache inputs its gate gives', async (_, files, skipped) => {
    const root = tempRepo(files, { git: true })
    const config = loadGatesConfig(root, {})
    const skips: string[] = []
    for (const name of GATE_NAMES) {
      const [key, gate] = await Promise.all([loadGateKey(name), loadGate(name)])
      const listed = gateFiles(root, config, name)
      const gateConfig = config.gates[name] as never
      const skip = gate.skipReason?.(root, listed, gateConfig)
      expect(key.skipReason?.(root, listed, gateConfig), name).toBe(skip)
      if (skip) {
        skips.push(name)
        continue
      }
      expect(await key.cacheInputs?.(root, listed, gateConfig), name).toEqual(
        gate.cacheInputs?.(root, listed, gateConfig),
      )
    }
    expect(skips.sort()).toEqual([...skipped].sort())
  })

  test('a gate whose scanner is split off shares its key functions with its Gate object', async () => {
    for (const name of ['secrets', 'docs-links', 'placeholders', 'layers', 'notebook-outputs'] as const) {
      const [key, gate] = await Promise.all([loadGateKey(name), loadGate(name)])
      expect(key.cacheInputs, name).toBe(gate.cacheInputs)
      expect(key.skipReason, name).toBe(gate.skipReason)
    }
  })
})
