import { describe, expect, test } from 'vitest'
import { buildImportGraph } from '../../../../src/domain/gates/layers/build-import-graph.ts'
import { checkImportRules, findViolations } from '../../../../src/domain/gates/layers/check-import-rules.ts'
import { LAYERS_DEFAULTS, type LayersRules } from '../../../../src/domain/gates/layers/layers-config.ts'
import { memoryRepoIndex } from '../../../../src/domain/gates/layers/repo-index.ts'

const FILES: Record<string, string> = {
  'src/core/errors.ts': "import type { Ctx } from '../app/context.ts'\n",
  'src/core/util.ts': "import { db } from '../data/db.ts'\nimport { db as again } from '../data/db.ts'\n",
  'src/data/db.ts': "import sqlite from 'better-sqlite3'\nimport { log } from '../core/util.ts'\n",
  'src/data/cache.ts': "import { a } from '../misc/helper.ts'\n",
  'src/misc/helper.ts': "import { x } from '../app/context.ts'\n",
  'src/app/context.ts': "import { db } from '../data/db.ts'\nimport fs from 'node:fs'\n",
  'src/features/a/index.ts': "import { b } from '../b/index.ts'\n",
  'src/features/b/index.ts': "import { shared } from '../../misc/helper.ts'\n",
  'src/broken.ts': "import { gone } from './gone.js'\n",
}

const LAYERS = [
  { name: 'core', paths: ['src/core/**'] },
  { name: 'data', paths: ['src/data/**'] },
  { name: 'app', paths: ['src/app/**', 'src/features/**'] },
]

function graph(files: Record<string, string> = FILES) {
  const sources = Object.entries(files).map(([path, text]) => ({ path, text }))
  return buildImportGraph(sources, memoryRepoIndex(files), { pythonRoots: ['.'] })
}

function violations(rules: Partial<LayersRules>, files?: Record<string, string>) {
  return findViolations(graph(files), { ...LAYERS_DEFAULTS, ...rules }).map(
    (v) => `${v.rule} ${v.file}:${v.line} → ${v.target}`,
  )
}

describe('checkImportRules()', () => {
  test('upward imports, one per importing file and target, at the first import; type-only ignored by default', () => {
    expect(violations({ layers: LAYERS })).toEqual([
      'layers/unresolved-relative src/broken.ts:1 → ./gone.js',
      'layers/upward src/core/util.ts:1 → src/data/db.ts',
    ])
    expect(violations({ layers: LAYERS, type_only: 'check' })).toContain(
      'layers/upward src/core/errors.ts:1 → src/app/context.ts',
    )
  })

  test('findings carry file:line, the import as written, and a fix', () => {
    const [f] = checkImportRules(graph(), { ...LAYERS_DEFAULTS, layers: LAYERS }).filter(
      (x) => x.rule === 'layers/upward',
    )
    expect(f).toMatchObject({
      gate: 'layers',
      severity: 'error',
      file: 'src/core/util.ts',
      line: 1,
      message:
        'src/core/util.ts (layer "core") imports src/data/db.ts (layer "data", above it) with \'../data/db.ts\'; imports point down: core → data → app',
      remediation:
        'move the shared piece of src/data/db.ts down into "core" (or a layer below it), or invert the dependency so "data" hands it in',
    })
    expect(f?.fingerprint).toMatch(/^[0-9a-f]{16}$/)
  })

  test('indirect: chains through unlayered files reach a higher layer', () => {
    expect(violations({ layers: LAYERS, indirect: true }).filter((v) => v.includes('cache'))).toEqual([
      'layers/upward src/data/cache.ts:1 → src/app/context.ts',
    ])
    const [v] = findViolations(graph(), { ...LAYERS_DEFAULTS, layers: LAYERS, indirect: true }).filter(
      (x) => x.file === 'src/data/cache.ts',
    )
    expect(v?.message).toContain('src/data/cache.ts → src/misc/helper.ts → src/app/context.ts')
  })

  test('unlayered files and files in two layers are reported when asked', () => {
    const out = violations({ layers: [...LAYERS, { name: 'all', paths: ['src/**'] }], report_unlayered: true })
    expect(out).toContain('layers/overlap src/core/util.ts:null → src/core/util.ts')
    expect(violations({ layers: LAYERS, report_unlayered: true })).toContain(
      'layers/unlayered src/misc/helper.ts:null → src/misc/helper.ts',
    )
  })

  test('forbidden: files and packages (node: built-ins by either name), with the rule’s name and reason', () => {
    const rules = {
      forbidden: [
        { name: 'db-owns-sqlite', from: ['src/**'], packages: ['better-sqlite3'], reason: 'the data layer owns it' },
        { from: ['src/app/**'], packages: ['fs'] },
        { name: 'no-misc', from: ['src/features/**'], to: ['src/misc/**'] },
      ],
    }
    expect(violations(rules)).toEqual([
      'layers/unresolved-relative src/broken.ts:1 → ./gone.js',
      'layers/forbidden src/data/db.ts:1 → package:better-sqlite3',
      'layers/forbidden src/app/context.ts:2 → package:node:fs',
      'layers/forbidden src/features/b/index.ts:1 → src/misc/helper.ts',
    ])
    const [first] = findViolations(graph(), { ...LAYERS_DEFAULTS, ...rules }).filter(
      (v) => v.rule === 'layers/forbidden',
    )
    expect(first?.message).toBe(
      'src/data/db.ts imports package better-sqlite3 with \'better-sqlite3\', forbidden by rule "db-owns-sqlite" (the data layer owns it)',
    )
  })

  test('forbidden: an import repeated in one file is one violation, at the first', () => {
    const rules = { forbidden: [{ from: ['src/core/**'], to: ['src/data/**'] }] }
    expect(violations(rules).filter((v) => v.includes('forbidden'))).toEqual([
      'layers/forbidden src/core/util.ts:1 → src/data/db.ts',
    ])
  })

  test('forbidden with indirect: a chain through files the rule does not name reaches a file or a package', () => {
    const rules = {
      forbidden: [
        { name: 'a-not-app', from: ['src/features/a/**'], to: ['src/app/**'], reason: 'features stay pure' },
        { from: ['src/features/a/**'], packages: ['fs'] },
      ],
      indirect: true,
    }
    const found = findViolations(graph(), { ...LAYERS_DEFAULTS, ...rules }).filter((v) => v.rule === 'layers/forbidden')
    expect(found.map((v) => [v.file, v.line, v.target, v.message])).toEqual([
      [
        'src/features/a/index.ts',
        1,
        'src/app/context.ts',
        'src/features/a/index.ts reaches what rule "a-not-app" forbids indirectly: src/features/a/index.ts → src/features/b/index.ts → src/misc/helper.ts → src/app/context.ts (features stay pure)',
      ],
      [
        'src/features/a/index.ts',
        1,
        'package:node:fs',
        'src/features/a/index.ts reaches what rule forbidden[1] forbids indirectly: src/features/a/index.ts → src/features/b/index.ts → src/misc/helper.ts → src/app/context.ts → node:fs',
      ],
    ])
    // Without indirect, a imports neither directly.
    expect(violations({ ...rules, indirect: false }).filter((v) => v.includes('forbidden'))).toEqual([])
  })

  test('independent: groups that import each other; indirect through files in no group', () => {
    const rules = { independent: [{ name: 'features', modules: ['src/features/a/**', 'src/features/b/**'] }] }
    expect(violations(rules).filter((v) => v.includes('independent'))).toEqual([
      'layers/independent src/features/a/index.ts:1 → src/features/b/index.ts',
    ])
    const apart = { independent: [{ name: 'x', modules: ['src/features/a/**', 'src/app/**'] }], indirect: true }
    // a → b → helper → context: b and helper are in no group.
    expect(violations(apart).filter((v) => v.includes('independent'))).toEqual([
      'layers/independent src/features/a/index.ts:1 → src/app/context.ts',
    ])
  })

  test('cycles: each once, at the import that closes it, as a chain', () => {
    const out = findViolations(graph(), { ...LAYERS_DEFAULTS, cycles: 'warn' }).filter((v) => v.rule === 'layers/cycle')
    expect(out.map((v) => [v.file, v.line, v.severity, v.message])).toEqual([
      [
        'src/data/db.ts',
        2,
        'warn',
        "import cycle: src/core/util.ts → src/data/db.ts → src/core/util.ts ('../core/util.ts' in src/data/db.ts closes it)",
      ],
    ])
  })

  test('type-only imports can close cycles when they count', () => {
    const files = { 'a.ts': "import { b } from './b.ts'\n", 'b.ts': "import type { A } from './a.ts'\n" }
    expect(violations({ cycles: 'error' }, files)).toEqual([])
    expect(violations({ cycles: 'error', type_only: 'check' }, files)).toEqual(['layers/cycle b.ts:1 → a.ts'])
  })

  test('Python: upward imports, TYPE_CHECKING ones ignored, relative beyond the top-level package', () => {
    const files = {
      'pkg/__init__.py': '',
      'pkg/core/__init__.py': '',
      'pkg/core/base.py':
        'from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.api import views\nfrom ..api import views\n',
      'pkg/api/__init__.py': '',
      'pkg/api/views.py': 'from pkg.core.base import x\nfrom .... import nothing\n',
    }
    const layers = [
      { name: 'core', paths: ['pkg/core/**'] },
      { name: 'api', paths: ['pkg/api/**'] },
    ]
    expect(violations({ layers }, files)).toEqual([
      'layers/relative-beyond-top pkg/api/views.py:2 → ....',
      'layers/upward pkg/core/base.py:4 → pkg/api/views.py',
    ])
  })
})
