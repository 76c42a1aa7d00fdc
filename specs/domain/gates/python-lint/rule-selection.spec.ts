import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { workspaceFor } from '../../../../src/domain/gates/python-lint/ruff-wasm.ts'
import {
  covers,
  flattenSelections,
  type SelectionLayer,
} from '../../../../src/domain/gates/python-lint/rule-selection.ts'

// Triggers F401 (twice), F841, W291, E711, E712, E501 and, under ALL, docstring/annotation rules.
const TEXT = [
  'import os',
  'import sys',
  '',
  '',
  'def f(x):',
  '    y = 1 ',
  '    if x == None:',
  '        return x == True',
  `    return "${'a'.repeat(90)}"`,
  '',
].join('\n')

const SELECTORS = [
  'ALL',
  'E',
  'E5',
  'E501',
  'E7',
  'E71',
  'E711',
  'E712',
  'F',
  'F4',
  'F401',
  'F8',
  'F841',
  'W',
  'W2',
  'W291',
  'D',
  'ANN',
]

/** Codes ruff reports for TEXT with one settings layer. */
function reported(lint: object): Set<string> {
  return new Set(
    workspaceFor({ lint })
      .check(TEXT)
      .map((d) => d.code ?? ''),
  )
}

const CANDIDATES = [...reported({ select: ['ALL'] })]
const DEFAULTS = reported({})

/**
 * ruff's `LintConfiguration::as_rule_table` over the candidate rules, one layer per file of an
 * `extend` chain (base first): within a layer the most specific selector decides (ignore wins
 * ties); a layer with `select` starts from nothing, one without it edits what came before.
 */
function layeredModel(layers: readonly SelectionLayer[]): Set<string> {
  let enabled = new Set(DEFAULTS)
  let carried: string[] = []
  const specificity = (s: string) => (s === 'ALL' ? 0 : s.length)
  for (const layer of layers) {
    const updates = new Map<string, boolean>()
    const carriedNow = carried
    carried = []
    for (let spec = 0; spec <= 8; spec++) {
      for (const s of [...(layer.select ?? []), ...layer.extend].filter((x) => specificity(x) === spec))
        for (const c of CANDIDATES) if (covers(s, c)) updates.set(c, true)
      for (const s of [...layer.ignore, ...carriedNow].filter((x) => specificity(x) === spec))
        for (const c of CANDIDATES) if (covers(s, c)) updates.set(c, false)
    }
    if (layer.select !== undefined) {
      enabled = new Set([...updates].filter(([, on]) => on).map(([c]) => c))
      if (layer.select.length === 0 && layer.extend.length === 0) carried = layer.ignore
    } else {
      for (const [c, on] of updates) on ? enabled.add(c) : enabled.delete(c)
    }
  }
  return enabled
}

const selectors = fc.array(fc.constantFrom(...SELECTORS), { maxLength: 3 })
const layerArb: fc.Arbitrary<SelectionLayer> = fc.record(
  { select: selectors, extend: selectors, ignore: selectors },
  { requiredKeys: ['extend', 'ignore'] },
)

describe('covers()', () => {
  test.each([
    ['ALL', 'E501', true],
    ['E', 'E501', true],
    ['E5', 'E501', true],
    ['E501', 'E5', false],
    ['E', 'ERA001', false],
    ['E', 'EM101', false],
    ['PL', 'PLR0913', true],
    ['PLR', 'PLC0414', false],
    ['C', 'C901', true],
    ['C', 'C401', true],
    ['C4', 'C901', false],
    ['C', 'CPY001', false],
    ['T', 'T201', true],
    ['T', 'TD001', false],
    ['F', 'FAST001', false],
    ['E501', 'ALL', false],
  ])('%s covers %s: %s', (outer, inner, expected) => {
    expect(covers(outer, inner)).toBe(expected)
  })
})

describe('flattenSelections()', () => {
  test('the single layer gives ruff the rule set of the layered chain (ruff itself resolves the single layer)', () => {
    fc.assert(
      fc.property(fc.array(layerArb, { minLength: 1, maxLength: 4 }), (layers) => {
        const flat = flattenSelections(layers)
        const lint = {
          ...(flat.select !== undefined ? { select: flat.select } : {}),
          'extend-select': flat.extend,
          ignore: flat.ignore,
        }
        expect([...reported(lint)].sort()).toEqual([...layeredModel(layers)].sort())
      }),
      { numRuns: 150 },
    )
  })

  test('a child re-enabling what its base ignored, through a broader selector', () => {
    const flat = flattenSelections([
      { select: ['E', 'F'], extend: [], ignore: ['E501', 'E711'] },
      { extend: ['E7'], ignore: [] },
    ])
    expect(flat).toEqual({ select: ['E', 'F'], extend: ['E7'], ignore: ['E501'] })
  })

  test('a later ignore beats an earlier, more specific select', () => {
    expect(
      flattenSelections([
        { select: ['E501', 'F401'], extend: [], ignore: [] },
        { extend: [], ignore: ['E'] },
      ]),
    ).toEqual({
      select: ['F401'],
      extend: [],
      ignore: ['E'],
    })
  })
})
