import { describe, expect, test } from 'vitest'
import { formatFinding, sortFindings } from '../../../../src/domain/gates/finding.ts'
import type { CacheInputs, ScanResult } from '../../../../src/domain/gates/gate.ts'
import type { GateCommon } from '../../../../src/domain/gates/gates-config.ts'
import { layersGate, layersGraph, scanLayers } from '../../../../src/domain/gates/layers/layers.ts'
import { LAYERS_DEFAULTS, type LayersRules } from '../../../../src/domain/gates/layers/layers-config.ts'
import { tempRepo } from '../_temp-repo.ts'

// What Gate<'layers'> will ask once `layers` is a GateName: this object must already fit.
type WiredConfig = GateCommon & LayersRules
const _fits: {
  name: string
  skipReason?(root: string, files: readonly string[], config: WiredConfig): string | undefined
  cacheInputs?(root: string, files: readonly string[], config: WiredConfig): CacheInputs
  scan(root: string, files: readonly string[], config: WiredConfig): ScanResult | Promise<ScanResult>
} = layersGate
void _fits

const TS_REPO = {
  'package.json': { name: '@acme/app', type: 'module', imports: { '#util/*': './src/util/*.ts' } },
  'tsconfig.json': '{\n  // aliases\n  "compilerOptions": { "paths": { "@ui/*": ["src/ui/*"] } },\n}\n',
  'src/util/format.ts': 'export const format = (s: string) => s\n',
  'src/util/types.ts': "import type { Widget } from '../ui/widget.ts'\nexport type Id = string\n",
  'src/domain/model.ts': [
    "import { format } from '#util/format'",
    "import type { Id } from '../util/types.js'",
    "import lodash from 'lodash'",
    'export const load = () => import(`../ui/widget.js`)',
    '',
  ].join('\n'),
  'src/ui/widget.ts': [
    "import { load } from '@ui/../domain/model.js'",
    "const legacy = require('../util/format.js')",
    "import { helper } from './helper'",
    '',
  ].join('\n'),
  'src/ui/helper.tsx':
    "import { format } from '@acme/app/src/util/format.ts'\nexport const helper = () => <b>{format('x')}</b>\n",
}

const TS_FILES = Object.keys(TS_REPO)

const TS_RULES: Partial<LayersRules> = {
  layers: [
    { name: 'util', paths: ['src/util/**'] },
    { name: 'domain', paths: ['src/domain/**'] },
    { name: 'ui', paths: ['src/ui/**'] },
  ],
  forbidden: [{ name: 'no-lodash', from: ['src/domain/**'], packages: ['lodash'], reason: 'use the standard library' }],
}

describe('layersGraph()', () => {
  test('a TypeScript project: relative (.js → .ts), #imports, tsconfig aliases, self-reference, dynamic, require', () => {
    const root = tempRepo(TS_REPO)
    const edges = layersGraph(root, TS_FILES, { ...LAYERS_DEFAULTS }).edges.map(
      (e) => `${e.from}:${e.line} ${e.kind}${e.typeOnly ? ' type' : ''} → ${e.to ?? `package ${e.package}`}`,
    )
    expect(edges).toEqual([
      'src/domain/model.ts:1 import → src/util/format.ts',
      'src/domain/model.ts:2 import type → src/util/types.ts',
      'src/domain/model.ts:3 import → package lodash',
      'src/domain/model.ts:4 dynamic → src/ui/widget.ts',
      'src/ui/helper.tsx:1 import → src/util/format.ts',
      'src/ui/widget.ts:1 import → src/domain/model.ts',
      'src/ui/widget.ts:2 require → src/util/format.ts',
      'src/ui/widget.ts:3 import → src/ui/helper.tsx',
      'src/util/types.ts:1 import type → src/ui/widget.ts',
    ])
  })
})

describe('scanLayers()', () => {
  test('a planted upward import and a planted cycle are both reported at file:line', () => {
    const root = tempRepo(TS_REPO)
    const { findings } = scanLayers(root, TS_FILES, { ...TS_RULES, cycles: 'error' })
    expect(sortFindings(findings).map(formatFinding)).toEqual([
      'layers src/domain/model.ts:3 layers/forbidden: src/domain/model.ts imports package lodash with \'lodash\', forbidden by rule "no-lodash" (use the standard library) — fix: remove the import or depend on an allowed module instead; if the architecture changed, change rule "no-lodash" in gates.layers.forbidden',
      'layers src/domain/model.ts:4 layers/upward: src/domain/model.ts (layer "domain") imports src/ui/widget.ts (layer "ui", above it) with \'../ui/widget.js\'; imports point down: util → domain → ui — fix: move the shared piece of src/ui/widget.ts down into "domain" (or a layer below it), or invert the dependency so "ui" hands it in',
      "layers src/ui/widget.ts:1 layers/cycle: import cycle: src/domain/model.ts → src/ui/widget.ts → src/domain/model.ts ('@ui/../domain/model.js' in src/ui/widget.ts closes it) — fix: break the cycle: move what src/ui/widget.ts needs from src/domain/model.ts into a module both can import, or invert one dependency (pass it in, or make it a type-only import)",
    ])
  })

  test('type-only imports are ignored by default and count with type_only: check', () => {
    const root = tempRepo(TS_REPO)
    const upward = (type_only: 'ignore' | 'check') =>
      scanLayers(root, TS_FILES, { ...TS_RULES, type_only })
        .findings.filter((f) => f.rule === 'layers/upward')
        .map((f) => `${f.file}:${f.line}`)
    expect(upward('ignore')).toEqual(['src/domain/model.ts:4'])
    expect(upward('check')).toEqual(['src/domain/model.ts:4', 'src/util/types.ts:1'])
  })

  test('a Python project: absolute, relative, parenthesised, TYPE_CHECKING, beyond the top-level package', () => {
    const root = tempRepo({
      'src/shop/__init__.py': '',
      'src/shop/core/__init__.py': '',
      'src/shop/core/money.py': [
        'from typing import TYPE_CHECKING',
        'if TYPE_CHECKING:',
        '    from shop.web.views import Page',
        'from ..web import (',
        '    views,',
        ')',
        '',
      ].join('\n'),
      'src/shop/web/__init__.py': '',
      'src/shop/web/views.py': 'import shop.core.money as money\nfrom ... import settings\nimport requests\n',
    })
    const files = [
      'src/shop/__init__.py',
      'src/shop/core/__init__.py',
      'src/shop/core/money.py',
      'src/shop/web/__init__.py',
      'src/shop/web/views.py',
    ]
    const rules = {
      layers: [
        { name: 'core', paths: ['src/shop/core/**'] },
        { name: 'web', paths: ['src/shop/web/**'] },
      ],
      forbidden: [{ from: ['src/shop/core/**'], packages: ['requests'] }],
      cycles: 'error' as const,
    }
    expect(scanLayers(root, files, rules).findings.map((f) => `${f.rule} ${f.file}:${f.line}`)).toEqual([
      'layers/relative-beyond-top src/shop/web/views.py:2',
      'layers/upward src/shop/core/money.py:4',
      'layers/cycle src/shop/web/views.py:1',
    ])
  })

  test('an import into a file the gate does not list (excluded, untracked) still resolves from disk', () => {
    const root = tempRepo({ 'src/low/a.ts': "import { b } from '../high/b.ts'\n", 'src/high/b.ts': '' })
    const rules = {
      layers: [
        { name: 'low', paths: ['src/low/**'] },
        { name: 'high', paths: ['src/high/**'] },
      ],
    }
    expect(scanLayers(root, ['src/low/a.ts'], rules).findings.map((f) => f.rule)).toEqual(['layers/upward'])
  })

  test('a bad config is a UserError naming the field', () => {
    expect(() => scanLayers(tempRepo({}), [], { cycles: 'sometimes' as never })).toThrow(
      'gates.layers.cycles must be one of "error", "warn", "off"',
    )
  })
})

describe('layersGate', () => {
  test('skips without rules, runs with any', () => {
    expect(layersGate.skipReason('/r', [], {})).toMatch(/^no rules configured/)
    expect(layersGate.skipReason('/r', [], { cycles: 'warn' })).toBeUndefined()
  })

  test('the cache key covers the sources, the tsconfig chain, package.json and the listing (the scanner: scannerSourceHash)', () => {
    const root = tempRepo(TS_REPO)
    const inputs = layersGate.cacheInputs(root, [...TS_FILES, 'README.md'], TS_RULES)
    expect(inputs.contents).toEqual([
      'src/util/format.ts',
      'src/util/types.ts',
      'src/domain/model.ts',
      'src/ui/widget.ts',
      'src/ui/helper.tsx',
      'tsconfig.json',
      'package.json',
    ])
    expect(inputs.listing).toBe(true)
    expect(inputs.extra).toBeUndefined() // the layers folder is among the scanner sources every key hashes
  })
})
