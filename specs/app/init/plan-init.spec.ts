import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { chooseGates } from '../../../src/app/init/choose-gates.ts'
import { GENERATED_VITEST_CONFIG, PLACEHOLDER_BASELINE, planInit } from '../../../src/app/init/plan-init.ts'
import { applied, factsOf } from './virtual-repo.ts'

const PY = {
  'train.py': 'import torch\n',
  'requirements.txt': 'torch>=2\n',
  'nb/explore.ipynb': '{}',
  'README.md': '# x\n',
  'package.json': '{\n  "devDependencies": {\n    "codex-gates": "^0.2.0",\n    "vitest": "^4.1.12"\n  }\n}\n',
}

describe('detectRepository()', () => {
  test('languages, tools and settings from the file list and a few texts', () => {
    const facts = factsOf({
      ...PY,
      'sub/requirements-dev.txt': 'x',
      'pyproject.toml': '',
      'tsconfig.json': '{}',
      'biome.jsonc': '{}',
      '.pre-commit-config.yaml': 'repos: []\n',
      'vite.config.ts': 'export default {}',
      'reports/keep.md': '',
      '.husky/pre-commit': 'npm test\n',
    })
    expect(facts).toMatchObject({
      tsconfig: true,
      biome: true,
      pythonFiles: 1,
      pythonManifests: ['requirements.txt', 'sub/requirements-dev.txt', 'pyproject.toml'],
      notebooks: 1,
      markdown: 2,
      preCommitConfig: true,
      vitestConfig: { path: 'vite.config.ts' },
      trackedReports: true,
      huskyHooks: { 'pre-commit': 'npm test\n' },
    })
    expect(factsOf({ 'vitest.config.mts': 'x', 'vite.config.ts': 'y' }).vitestConfig?.path).toBe('vitest.config.mts')
    expect(factsOf({ 'package.json': '{ nope' }).packageJsonInvalid).toMatch(/JSON/)
  })
})

describe('chooseGates()', () => {
  test('every gate off says why in one line; the Python and notebook gates follow their files', () => {
    const py = chooseGates(factsOf(PY))
    const off = Object.fromEntries(py.filter((g) => !g.on).map((g) => [g.gate, g.why]))
    expect(Object.keys(off).sort()).toEqual(['integrity', 'layers', 'lint', 'typecheck'])
    for (const why of Object.values(off)) expect(why).not.toContain('\n')
    expect(py.find((g) => g.gate === 'python-deps')).toMatchObject({
      on: true,
      why: 'Python dependencies declared in requirements.txt',
    })
    const ts = chooseGates(factsOf({ 'tsconfig.json': '{}', 'biome.json': '{}', 'src/a.ts': '' }))
    expect(
      ts
        .filter((g) => !g.on)
        .map((g) => g.gate)
        .sort(),
    ).toEqual(['docs-links', 'integrity', 'layers', 'notebook-outputs', 'python-deps', 'python-lint', 'python-types'])
  })
})

describe('planInit()', () => {
  test("a Python repository with npm's package.json: config, named private package, ignores, a Vitest config, husky hooks", () => {
    const plan = planInit(factsOf(PY, {}, 'My Model'), { version: '0.2.0' })
    expect(plan.changes.map((c) => `${c.action} ${c.path}`)).toEqual([
      'create codex-gates.json',
      'update package.json',
      'create .gitignore',
      'create vitest.config.mjs',
      'create .husky/pre-commit',
      'create .husky/post-commit',
      'create .husky/pre-push',
    ])
    const content = (path: string) => plan.changes.find((c) => c.path === path)?.content ?? ''
    expect(JSON.parse(content('codex-gates.json')).gates).toEqual({
      typecheck: { enabled: false },
      lint: { enabled: false },
      integrity: { enabled: false },
      placeholders: { baseline: PLACEHOLDER_BASELINE },
      layers: { enabled: false },
    })
    expect(JSON.parse(content('package.json'))).toEqual({
      name: 'my-model-gates',
      private: true,
      devDependencies: { 'codex-gates': '^0.2.0', vitest: '^4.1.12' },
      scripts: { gates: 'codex-gates run', prepare: 'husky' },
      allowScripts: { 'better-sqlite3': true },
    })
    expect(plan.changes.find((c) => c.path === 'package.json')?.reason).toContain(
      '"allowScripts" lets better-sqlite3 build the ledger\'s SQLite binding',
    )
    expect(content('.gitignore')).toBe(
      '# codex-gates: installed packages, the ledger and caches, generated reports\nnode_modules/\n.codex/\n/reports/\n',
    )
    expect(content('vitest.config.mjs')).toBe(GENERATED_VITEST_CONFIG)
    expect(plan.hooks).toMatchObject({ mode: 'husky', runHusky: true })
  })

  test('an existing package.json keeps its keys, order and tab indentation; a prepare script gets husky appended', () => {
    const pkg =
      '{\n\t"name": "lib",\n\t"scripts": {\n\t\t"prepare": "tsc"\n\t},\n\t"devDependencies": {\n\t\t"vitest": "4.1.12"\n\t}\n}\n'
    const plan = planInit(factsOf({ 'package.json': pkg }), { version: '0.2.0' })
    expect(plan.changes.find((c) => c.path === 'package.json')?.content).toBe(
      '{\n\t"name": "lib",\n\t"scripts": {\n\t\t"prepare": "tsc && husky",\n\t\t"gates": "codex-gates run"\n\t},\n\t"devDependencies": {\n\t\t"vitest": "4.1.12"\n\t},\n\t"allowScripts": {\n\t\t"better-sqlite3": true\n\t}\n}\n',
    )
  })

  test("allowScripts: the user's own entry for better-sqlite3 (pinned, or false) is kept; others stay beside ours", () => {
    const withAllow = (allow: unknown) =>
      planInit(
        factsOf({
          'package.json': JSON.stringify({
            name: 'lib',
            scripts: { gates: 'codex-gates run', prepare: 'husky' },
            allowScripts: allow,
          }),
        }),
        { version: '0.2.0' },
      ).changes.find((c) => c.path === 'package.json')
    expect(withAllow({ 'better-sqlite3': false })).toBeUndefined()
    expect(withAllow({ 'better-sqlite3@12.11.1': true })).toBeUndefined()
    expect(JSON.parse(withAllow({ sharp: true })?.content ?? '{}').allowScripts).toEqual({
      sharp: true,
      'better-sqlite3': true,
    })
    // Not an object: npm's to complain about, not init's to overwrite.
    expect(withAllow(['better-sqlite3'])).toBeUndefined()
  })

  test('a repository that tracks files under reports/ gets only the folders codex-gates writes ignored', () => {
    const plan = planInit(factsOf({ 'reports/paper.md': '', '.gitignore': 'node_modules\n/.codex\n' }), {
      version: '1.0.0',
    })
    expect(plan.changes.find((c) => c.path === '.gitignore')?.content).toBe(
      'node_modules\n/.codex\n\n# codex-gates: installed packages, the ledger and caches, generated reports\n/reports/latest/\n/reports/history/\n/reports/gaps/\n/reports/status/\n/reports/periodic/\n/reports/coverage/\n/reports/bench/\n',
    )
  })

  test('an existing codex-gates.json is kept; a Vitest config too unusual to edit is left with the lines to add', () => {
    const plan = planInit(
      factsOf({ 'codex-gates.json': '{}', 'vitest.config.ts': 'export default defineConfig(() => ({}))' }),
      { version: '1.0.0' },
    )
    expect(plan.changes.map((c) => c.path)).not.toContain('codex-gates.json')
    expect(plan.config).toEqual({ path: 'codex-gates.json', text: '{}', created: false })
    expect(plan.notes.join('\n')).toContain(
      "vitest.config.ts left alone (its defineConfig(…) takes a function or a variable, not an object); add the gates yourself:\n    import { withCodexGates } from 'codex-gates/vitest'",
    )
  })

  test('property: planning again over what a plan wrote (and husky set) plans nothing', () => {
    const file = fc.constantFrom<[string, string]>(
      ['train.py', 'x = 1\n'],
      ['requirements.txt', 'numpy\n'],
      ['a.ipynb', '{}'],
      ['README.md', '# r\n'],
      ['tsconfig.json', '{}'],
      ['biome.json', '{}'],
      ['.gitignore', 'dist/\n'],
      ['.gitignore', 'node_modules/\n.codex/\nreports/\n'],
      ['package.json', '{\n  "devDependencies": {\n    "codex-gates": "^1.0.0"\n  }\n}\n'],
      ['package.json', '{\n    "name": "x",\n    "scripts": {\n        "prepare": "husky"\n    }\n}\n'],
      ['vitest.config.ts', "import { defineConfig } from 'vitest/config'\nexport default defineConfig({ test: {} })\n"],
      ['vitest.config.js', 'module.exports = {}\n'],
      ['.husky/pre-commit', 'npm test\n'],
      ['reports/x.md', ''],
    )
    fc.assert(
      fc.property(fc.array(file, { maxLength: 8 }), fc.boolean(), (entries, toolHooks) => {
        const files = Object.fromEntries(entries)
        const hooks = toolHooks ? { gitHooks: { 'pre-commit': '#!/usr/bin/env bash\nexec pre-commit run\n' } } : {}
        const first = planInit(factsOf(files, hooks), { version: '1.0.0' })
        const after = applied(files, first.changes, hooks, first.hooks.runHusky)
        const second = planInit(factsOf(after.files, after.hooks), { version: '1.0.0' })
        expect(second.changes).toEqual([])
        expect(second.hooks.runHusky).toBe(false)
      }),
    )
  })
})
