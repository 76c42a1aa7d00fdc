import type { Violation } from '../../domain/gates/layers/check-import-rules.ts'
import { LAYERS_DEFAULTS, type LayersRules } from '../../domain/gates/layers/layers-config.ts'
import { globToRegExp } from '../../foundation/fs/glob.ts'

/** What the layers bench scans: these top-level folders of the repository. */
export const BENCH_SCOPE = ['src', 'scripts']

/**
 * The layered architecture the bench checks on this repository, bottom first. Each layer names
 * both today's folders and the restructured ones (src/foundation, src/adapters, src/app…), so
 * the bench keeps meaning something as the layout moves; exactness does not matter, only that
 * dependency-cruiser gets the equivalent rules. Type-only imports count: dependency-cruiser's
 * swc parser (its TypeScript parser needs the TypeScript 5 API, which TypeScript 7 lacks) does
 * not tell them apart.
 */
export const BENCH_RULES: LayersRules = {
  ...LAYERS_DEFAULTS,
  layers: [
    {
      name: 'foundation',
      paths: ['src/foundation/**', 'src/errors/**', 'src/fs/**', 'src/json/**', 'src/redact/**', 'src/cli/**'],
    },
    { name: 'config', paths: ['src/config/**', 'src/drift/**'] },
    { name: 'ledger', paths: ['src/ledger/**'] },
    {
      name: 'domain',
      paths: ['src/domain/**', 'src/{gates,data,train,checkpoint,eval,coverage,report,monitor,onnx}/**'],
    },
    { name: 'adapters', paths: ['src/adapters/**', 'src/reporter/**', 'src/hooks/**'] },
    { name: 'app', paths: ['src/app/**', 'src/bench/**', 'src/index.ts', 'scripts/**'] },
  ],
  forbidden: [
    {
      name: 'sqlite-in-ledger-only',
      from: ['src/domain/**', 'src/{gates,data,train,checkpoint,eval,report}/**'],
      packages: ['better-sqlite3'],
      reason: 'the ledger owns the database',
    },
    {
      name: 'no-processes-in-train',
      from: ['src/train/**', 'src/domain/train/**'],
      packages: ['node:child_process'],
      reason: 'training runs in-process',
    },
    { name: 'no-specs-from-src', from: ['src/**'], to: ['specs/**'], reason: 'specs depend on src, not back' },
  ],
  independent: [
    { name: 'training-core', modules: ['src/train/**', 'src/eval/**', 'src/checkpoint/**', 'src/data/**'] },
  ],
  cycles: 'error',
  type_only: 'check',
}

/**
 * The same rules as a dependency-cruiser configuration: a layer rule per layer (from it, to any
 * layer above; a file counts in its first layer, hence the `pathNot`s), one rule per forbidden
 * entry (packages by their node_modules folder or core module name), one per ordered pair of
 * independent groups, and `circular` for cycles.
 */
export function depcruiseConfig(rules: LayersRules, scope: readonly string[]) {
  const rx = (globs: readonly string[]) => globs.map((g) => `(?:${globToRegExp(g).source})`).join('|')
  const forbidden: Record<string, unknown>[] = []
  const layers = rules.layers
  layers.forEach((layer, i) => {
    const above = layers.slice(i + 1).flatMap((l) => l.paths)
    if (above.length === 0) return
    const atOrBelow = layers.slice(0, i + 1).flatMap((l) => l.paths)
    const below = layers.slice(0, i).flatMap((l) => l.paths)
    forbidden.push({
      name: `upward-from-${layer.name}`,
      severity: 'error',
      from: { path: rx(layer.paths), ...(below.length ? { pathNot: rx(below) } : {}) },
      to: { path: rx(above), pathNot: rx(atOrBelow) },
    })
  })
  rules.forbidden.forEach((rule, i) => {
    const to = [
      ...(rule.to ? [rx(rule.to)] : []),
      ...(rule.packages ?? []).map((p) =>
        p.startsWith('node:')
          ? `^(?:node:)?${escapeRegex(p.slice(5))}(?:/|$)`
          : `^(?:node_modules/)?${escapeRegex(p)}(?:/|$)`,
      ),
    ]
    forbidden.push({
      name: `forbidden:${rule.name ?? i}`,
      severity: 'error',
      from: { path: rx(rule.from) },
      to: { path: to.join('|') },
    })
  })
  for (const rule of rules.independent) {
    rule.modules.forEach((a, i) => {
      rule.modules.forEach((b, j) => {
        if (i === j) return
        forbidden.push({
          name: `independent:${rule.name}:${i}-${j}`,
          severity: 'error',
          from: { path: rx([a]), ...(i > 0 ? { pathNot: rx(rule.modules.slice(0, i)) } : {}) },
          to: { path: rx([b]), ...(j > 0 ? { pathNot: rx(rule.modules.slice(0, j)) } : {}) },
        })
      })
    })
  }
  if (rules.cycles !== 'off') forbidden.push({ name: 'cycle', severity: 'error', from: {}, to: { circular: true } })
  return {
    forbidden,
    options: {
      // TypeScript 7 has no JS API, so dependency-cruiser's tsc parser is out; swc parses TS.
      parser: 'swc',
      // Files outside the scanned folders are imported but not read, as by our gate (which scans
      // only the sources under `scope`, and resolves their imports wherever they lead).
      doNotFollow: { path: `^(?!(?:${scope.map(escapeRegex).join('|')})/)` },
    },
  }
}

/** A violation as both tools can say it: `category from → to`, `to` a file or `package:<name>`. */
export type ViolationPair = string

/**
 * Our violations as pairs. A cycle is its set of files: dependency-cruiser finds a cycle per
 * arrow and keeps one per set of files in its summary, as we keep one per cycle.
 */
export function ourPairs(violations: readonly Violation[]): ViolationPair[] {
  const pairs = new Set<string>()
  for (const v of violations) {
    const category = v.rule === 'layers/forbidden' ? `forbidden:${v.ruleName}` : v.rule.replace('layers/', '')
    if (v.rule === 'layers/cycle' && v.cycle) {
      pairs.add(cyclePair(v.cycle))
    } else {
      pairs.add(`${category} ${v.from} → ${v.target.replace(/^package:/, '')}`)
    }
  }
  return [...pairs].sort()
}

/** dependency-cruiser's violations (its JSON output's `summary.violations`) as pairs. */
export function depcruisePairs(
  violations: readonly { from: string; to: string; rule: { name: string }; cycle?: { name: string }[] }[],
  packageOf: (to: string) => string | undefined,
): ViolationPair[] {
  const pairs = new Set<string>()
  for (const v of violations) {
    if (v.cycle) {
      pairs.add(cyclePair(v.cycle.map((c) => c.name)))
      continue
    }
    const name = v.rule.name
    const category = name.startsWith('upward-from-')
      ? 'upward'
      : name.startsWith('independent:')
        ? 'independent'
        : name === 'cycle'
          ? 'cycle'
          : name
    pairs.add(`${category} ${v.from} → ${packageOf(v.to) ?? v.to}`)
  }
  return [...pairs].sort()
}

// --- internal ---

function cyclePair(files: readonly string[]): ViolationPair {
  return `cycle ${[...new Set(files)].sort().join(' ↔ ')}`
}

function escapeRegex(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')
}
