import { describe, expect, test } from 'vitest'
import {
  BENCH_RULES,
  BENCH_SCOPE,
  depcruiseConfig,
  depcruisePairs,
  ourPairs,
} from '../../../src/app/bench/depcruise-equivalent.ts'
import type { Violation } from '../../../src/domain/gates/layers/check-import-rules.ts'
import { globMatcher } from '../../../src/foundation/fs/glob.ts'

const SAMPLE_PATHS = [
  'src/errors/user-error.ts',
  'src/foundation/fs/x.ts',
  'src/config/a.ts',
  'src/ledger/open-ledger.ts',
  'src/gates/finding.ts',
  'src/domain/gates/layers/layers.ts',
  'src/reporter/ledger-meta.ts',
  'src/bench/registry.ts',
  'src/index.ts',
  'scripts/bench.ts',
  'specs/x.spec.ts',
]

type Rule = { name: string; from: { path?: string; pathNot?: string }; to: { path?: string; pathNot?: string } }

const matches = (side: { path?: string; pathNot?: string }, path: string) =>
  (!side.path || new RegExp(side.path).test(path)) && !(side.pathNot && new RegExp(side.pathNot).test(path))

describe('depcruiseConfig()', () => {
  test('its layer rules forbid exactly the arrows our layer order forbids', () => {
    const config = depcruiseConfig(BENCH_RULES, BENCH_SCOPE)
    const layerOf = (p: string) => BENCH_RULES.layers.findIndex((l) => globMatcher(l.paths)(p))
    const layerRules = (config.forbidden as Rule[]).filter((r) => r.name.startsWith('upward-from-'))
    for (const from of SAMPLE_PATHS) {
      for (const to of SAMPLE_PATHS) {
        const ours = layerOf(from) >= 0 && layerOf(to) > layerOf(from)
        const theirs = layerRules.some((r) => matches(r.from, from) && matches(r.to, to))
        expect(theirs, `${from} → ${to}`).toBe(ours)
      }
    }
  })

  test('packages become node_modules folders or core module names', () => {
    const config = depcruiseConfig(BENCH_RULES, BENCH_SCOPE)
    const rule = (config.forbidden as Rule[]).find((r) => r.name === 'forbidden:no-processes-in-train')
    expect(matches(rule?.to ?? {}, 'child_process')).toBe(true)
    expect(matches(rule?.to ?? {}, 'node:child_process')).toBe(true)
    const sqlite = (config.forbidden as Rule[]).find((r) => r.name === 'forbidden:sqlite-in-ledger-only')
    expect(matches(sqlite?.to ?? {}, 'node_modules/better-sqlite3/lib/index.js')).toBe(true)
    expect(matches(sqlite?.to ?? {}, 'node_modules/better-sqlite3-extra/x.js')).toBe(false)
  })
})

describe('ourPairs() and depcruisePairs()', () => {
  test('a cycle is compared by its files, whichever arrow each tool reports it at', () => {
    const base = { gate: 'layers', severity: 'error' as const, line: 1, message: '', remediation: '' }
    const ours: Violation[] = [
      { ...base, rule: 'layers/cycle', file: 'b.ts', from: 'b.ts', target: 'a.ts', cycle: ['a.ts', 'b.ts'] },
      { ...base, rule: 'layers/forbidden', file: 'a.ts', from: 'a.ts', target: 'package:node:fs', ruleName: 'no-fs' },
    ]
    const theirs = [
      { from: 'a.ts', to: 'b.ts', rule: { name: 'cycle' }, cycle: [{ name: 'b.ts' }, { name: 'a.ts' }] },
      { from: 'a.ts', to: 'fs', rule: { name: 'forbidden:no-fs' } },
    ]
    expect(ourPairs(ours)).toEqual(depcruisePairs(theirs, (to) => (to === 'fs' ? 'node:fs' : undefined)))
  })
})
