import { type Finding, type FindingInput, makeFinding } from '../../../gates/finding.ts'
import { globMatcher } from '../../../gates/glob.ts'
import type { ImportEdge, ImportGraph } from './build-import-graph.ts'
import { findCycles } from './find-cycles.ts'
import type { LayersRules, TypeOnlyMode } from './layers-config.ts'
import { packageMatcher } from './resolution.ts'

const GATE = 'layers'

/** A rule broken by an import: the finding to report, plus the arrow it is about. */
export interface Violation extends FindingInput {
  /** The importing file. */
  from: string
  /** What it must not reach: a file, `package:<name>`, or for a cycle the file the closing import names. */
  target: string
  /** The configured rule's name (forbidden, independent). */
  ruleName?: string
  /** A cycle's files, from its smallest: ['a', 'b'] is a → b → a. */
  cycle?: string[]
}

/** The findings of the rules on an import graph (see findViolations). */
export function checkImportRules(graph: ImportGraph, rules: LayersRules): Finding[] {
  return findViolations(graph, rules).map(({ from: _f, target: _t, ruleName: _r, cycle: _c, ...finding }) =>
    makeFinding(finding),
  )
}

/**
 * Every rule broken on an import graph: upward layer imports, forbidden imports, imports
 * between independent groups, cycles, and imports that name no file. One per importing file,
 * target and rule, at the first import line; with `indirect`, also the shortest chain through
 * files the rule does not name.
 */
export function findViolations(graph: ImportGraph, rules: LayersRules): Violation[] {
  const findings: Violation[] = []
  findings.push(...problemFindings(graph))
  if (rules.layers.length > 0 || rules.report_unlayered) findings.push(...layerFindings(graph, rules))
  rules.forbidden.forEach((_, i) => {
    findings.push(...forbiddenFindings(graph, rules, i))
  })
  for (const rule of rules.independent) findings.push(...independenceFindings(graph, rules, rule))
  if (rules.cycles !== 'off') findings.push(...cycleFindings(graph, rules))
  return findings
}

// --- internal ---

function violation(
  from: string,
  target: string,
  input: FindingInput,
  extra: { ruleName?: string; cycle?: string[] } = {},
): Violation {
  return { ...input, from, target, ...extra }
}

/** The last arrow's target of a chain: a file, or `package:<name>`. */
function chainTarget(chain: readonly ImportEdge[]): string {
  const last = chain[chain.length - 1] as ImportEdge
  return last.to ?? `package:${last.package}`
}

/** Whether an edge counts under a type-only mode. */
function counts(edge: ImportEdge, mode: TypeOnlyMode): boolean {
  return mode === 'check' || !edge.typeOnly
}

/** The first counted edge per (from, to file), in file/line order. */
function fileEdges(graph: ImportGraph, mode: TypeOnlyMode): ImportEdge[] {
  const seen = new Set<string>()
  const out: ImportEdge[] = []
  for (const e of graph.edges) {
    if (e.to === undefined || !counts(e, mode)) continue
    const key = `${e.from}\0${e.to}`
    if (seen.has(key)) continue
    seen.add(key)
    out.push(e)
  }
  return out
}

function adjacency(edges: readonly ImportEdge[]): Map<string, ImportEdge[]> {
  const out = new Map<string, ImportEdge[]>()
  for (const e of edges) {
    const list = out.get(e.from)
    if (list) list.push(e)
    else out.set(e.from, [e])
  }
  return out
}

/** `'x'` as written, quoted for messages. */
function quoted(e: ImportEdge): string {
  return `'${e.specifier}'`
}

function chainText(chain: readonly ImportEdge[]): string {
  return [chain[0]?.from, ...chain.map((e) => e.to ?? e.package)].join(' → ')
}

/**
 * Shortest chains (≥ 2 imports) from `start` through files `canPass` accepts, to each target
 * the `isTarget` key function names (one chain per key, the first found breadth-first).
 */
function indirectChains(
  start: string,
  adj: ReadonlyMap<string, ImportEdge[]>,
  canPass: (file: string) => boolean,
  targetKey: (edge: ImportEdge) => string | undefined,
): Map<string, ImportEdge[]> {
  const found = new Map<string, ImportEdge[]>()
  const via = new Map<string, ImportEdge[]>() // file → chain reaching it
  let frontier: ImportEdge[][] = []
  for (const e of adj.get(start) ?? []) {
    if (e.to !== undefined && canPass(e.to) && !via.has(e.to) && e.to !== start) {
      via.set(e.to, [e])
      frontier.push([e])
    }
  }
  while (frontier.length > 0) {
    const next: ImportEdge[][] = []
    for (const chain of frontier) {
      const at = (chain[chain.length - 1] as ImportEdge).to as string
      for (const e of adj.get(at) ?? []) {
        const key = targetKey(e)
        if (key !== undefined && !found.has(key)) found.set(key, [...chain, e])
        if (e.to === undefined || e.to === start || via.has(e.to) || !canPass(e.to)) continue
        const longer = [...chain, e]
        via.set(e.to, longer)
        next.push(longer)
      }
    }
    frontier = next
  }
  return found
}

function problemFindings(graph: ImportGraph): Violation[] {
  return graph.problems.map((p) =>
    violation(p.file, p.specifier, {
      gate: GATE,
      rule: `layers/${p.rule}`,
      severity: p.rule === 'unresolved-alias' || p.rule === 'unresolved-module' ? 'warn' : 'error',
      file: p.file,
      line: p.line,
      message: `'${p.specifier}' ${p.rule === 'relative-beyond-top' ? 'is invalid' : 'names no file'}: ${p.reason}`,
      remediation:
        p.rule === 'relative-beyond-top'
          ? 'use an absolute import (from pkg.mod import x), or list the folder above in python_roots so the package starts higher'
          : p.rule === 'unresolved-alias'
            ? 'fix the specifier, or the "imports"/"exports" map of package.json that should name the file'
            : 'fix the path (or module name), or restore the file it names',
      identity: `${p.rule}:${p.specifier}`,
    }),
  )
}

function layerFindings(graph: ImportGraph, rules: LayersRules): Violation[] {
  const matchers = rules.layers.map((l) => globMatcher(l.paths))
  const findings: Violation[] = []
  const layerCache = new Map<string, number>()
  const layerOf = (file: string): number => {
    let i = layerCache.get(file)
    if (i === undefined) {
      i = matchers.findIndex((m) => m(file))
      layerCache.set(file, i)
    }
    return i
  }
  const names = rules.layers.map((l) => l.name)
  const order = names.join(' → ')
  for (const file of graph.sources) {
    const inLayers = matchers.flatMap((m, i) => (m(file) ? [i] : []))
    if (inLayers.length > 1) {
      const listed = inLayers.map((i) => `"${names[i]}"`).join(', ')
      findings.push(
        violation(file, file, {
          gate: GATE,
          rule: 'layers/overlap',
          severity: 'warn',
          file,
          line: null,
          message: `${file} matches layers ${listed}; it counts as the lowest, "${names[inLayers[0] as number]}"`,
          remediation: 'narrow the layer globs so each file is in one layer',
          identity: file,
        }),
      )
    }
    if (inLayers.length === 0 && rules.report_unlayered) {
      findings.push(
        violation(file, file, {
          gate: GATE,
          rule: 'layers/unlayered',
          severity: 'warn',
          file,
          line: null,
          message: `${file} is in no layer, so no layer rule constrains it`,
          remediation: 'add it to the paths of a layer in gates.layers.layers, or exclude it from the gate',
          identity: file,
        }),
      )
    }
  }
  const upward = (from: string, to: string) => {
    const low = layerOf(from)
    const high = layerOf(to)
    return low >= 0 && high > low ? { low, high } : undefined
  }
  const edges = fileEdges(graph, rules.type_only)
  for (const e of edges) {
    const v = upward(e.from, e.to as string)
    if (!v) continue
    const low = names[v.low] as string
    const high = names[v.high] as string
    findings.push(
      violation(e.from, e.to as string, {
        gate: GATE,
        rule: 'layers/upward',
        severity: 'error',
        file: e.from,
        line: e.line,
        message: `${e.from} (layer "${low}") imports ${e.to} (layer "${high}", above it) with ${quoted(e)}; imports point down: ${order}`,
        remediation: `move the shared piece of ${e.to} down into "${low}" (or a layer below it), or invert the dependency so "${high}" hands it in`,
        identity: `${e.from}->${e.to}`,
      }),
    )
  }
  if (rules.indirect) {
    // Chains through unlayered files only: a chain through a layered file breaks at a direct
    // upward import, already reported above.
    const adj = adjacency(edges)
    for (const file of graph.sources) {
      const low = layerOf(file)
      if (low < 0) continue
      const chains = indirectChains(
        file,
        adj,
        (f) => layerOf(f) < 0,
        (e) => (e.to !== undefined && layerOf(e.to) > low ? String(layerOf(e.to)) : undefined),
      )
      for (const [high, chain] of chains) {
        const first = chain[0] as ImportEdge
        const highName = names[Number(high)] as string
        findings.push(
          violation(file, chainTarget(chain), {
            gate: GATE,
            rule: 'layers/upward',
            severity: 'error',
            file,
            line: first.line,
            message: `${file} (layer "${names[low]}") reaches layer "${highName}" above it indirectly: ${chainText(chain)}`,
            remediation: `cut the chain at an unlayered file (give it a layer, and the direct import shows), or move what ${file} needs down into "${names[low]}"`,
            identity: `indirect:${chainText(chain)}`,
          }),
        )
      }
    }
  }
  return findings
}

function forbiddenFindings(graph: ImportGraph, rules: LayersRules, index: number): Violation[] {
  const rule = rules.forbidden[index] as LayersRules['forbidden'][number]
  const name = rule.name ? `"${rule.name}"` : `forbidden[${index}]`
  const isFrom = globMatcher(rule.from)
  const isTo = globMatcher(rule.to ?? [])
  const isPackage = packageMatcher(rule.packages ?? [])
  const mode = rule.type_only ?? rules.type_only
  const why = rule.reason ? ` (${rule.reason})` : ''
  const findings: Violation[] = []
  const hit = (e: ImportEdge) => (e.to !== undefined ? isTo(e.to) : e.package !== undefined && isPackage(e.package))
  const seen = new Set<string>()
  const counted = graph.edges.filter((e) => counts(e, mode))
  for (const e of counted) {
    if (!isFrom(e.from) || !hit(e)) continue
    const target = e.to ?? (e.package as string)
    const key = `${e.from}\0${target}`
    if (seen.has(key)) continue
    seen.add(key)
    findings.push(
      violation(
        e.from,
        e.to ?? `package:${target}`,
        {
          gate: GATE,
          rule: 'layers/forbidden',
          severity: 'error',
          file: e.from,
          line: e.line,
          message: `${e.from} imports ${e.to ?? `package ${target}`} with ${quoted(e)}, forbidden by rule ${name}${why}`,
          remediation: `remove the import or depend on an allowed module instead; if the architecture changed, change rule ${name} in gates.layers.forbidden`,
          identity: `${name}:${e.from}->${target}`,
        },
        { ruleName: rule.name ?? `forbidden[${index}]` },
      ),
    )
  }
  if (rules.indirect) {
    const adj = adjacency(counted)
    for (const file of graph.sources) {
      if (!isFrom(file)) continue
      const chains = indirectChains(
        file,
        adj,
        (f) => !isFrom(f) && !isTo(f),
        (e) => (hit(e) ? 'target' : undefined),
      )
      const chain = chains.get('target')
      if (!chain) continue
      findings.push(
        violation(
          file,
          chainTarget(chain),
          {
            gate: GATE,
            rule: 'layers/forbidden',
            severity: 'error',
            file,
            line: (chain[0] as ImportEdge).line,
            message: `${file} reaches what rule ${name} forbids indirectly: ${chainText(chain)}${why}`,
            remediation: `cut the chain (the first import here, or one further along), or change rule ${name} in gates.layers.forbidden`,
            identity: `${name}:indirect:${file}`,
          },
          { ruleName: rule.name ?? `forbidden[${index}]` },
        ),
      )
    }
  }
  return findings
}

function independenceFindings(
  graph: ImportGraph,
  rules: LayersRules,
  rule: LayersRules['independent'][number],
): Violation[] {
  const matchers = rule.modules.map((m) => globMatcher([m]))
  const groupOf = (file: string) => matchers.findIndex((m) => m(file))
  const edges = fileEdges(graph, rule.type_only ?? rules.type_only)
  const findings: Violation[] = []
  const finding = (file: string, target: string, line: number, a: number, b: number, how: string, identity: string) =>
    findings.push(
      violation(
        file,
        target,
        {
          gate: GATE,
          rule: 'layers/independent',
          severity: 'error',
          file,
          line,
          message: `${how}: "${rule.name}" keeps ${rule.modules[a]} and ${rule.modules[b]} independent`,
          remediation: `move what both need into a module outside the group (a lower shared layer), or invert the dependency so the caller hands it in`,
          identity: `${rule.name}:${identity}`,
        },
        { ruleName: rule.name },
      ),
    )
  for (const e of edges) {
    const a = groupOf(e.from)
    const b = groupOf(e.to as string)
    if (a < 0 || b < 0 || a === b) continue
    finding(e.from, e.to as string, e.line, a, b, `${e.from} imports ${e.to} with ${quoted(e)}`, `${e.from}->${e.to}`)
  }
  if (rules.indirect) {
    const adj = adjacency(edges)
    for (const file of graph.sources) {
      const a = groupOf(file)
      if (a < 0) continue
      const chains = indirectChains(
        file,
        adj,
        (f) => groupOf(f) < 0,
        (e) => {
          const b = e.to === undefined ? -1 : groupOf(e.to)
          return b >= 0 && b !== a ? String(b) : undefined
        },
      )
      for (const [b, chain] of chains) {
        const text = chainText(chain)
        finding(
          file,
          chainTarget(chain),
          (chain[0] as ImportEdge).line,
          a,
          Number(b),
          `${file} reaches another group indirectly: ${text}`,
          text,
        )
      }
    }
  }
  return findings
}

function cycleFindings(graph: ImportGraph, rules: LayersRules): Violation[] {
  const edges = fileEdges(graph, rules.type_only)
  const succ = new Map<string, string[]>()
  const edgeOf = new Map<string, ImportEdge>()
  for (const e of edges) {
    const list = succ.get(e.from)
    if (list) list.push(e.to as string)
    else succ.set(e.from, [e.to as string])
    edgeOf.set(`${e.from}\0${e.to}`, e)
  }
  return findCycles(succ).map((cycle) => {
    const start = cycle[0] as string
    const last = cycle[cycle.length - 1] as string
    const closing = edgeOf.get(`${last}\0${start}`) as ImportEdge
    const text = [...cycle, start].join(' → ')
    return violation(
      last,
      start,
      {
        gate: GATE,
        rule: 'layers/cycle',
        severity: rules.cycles === 'warn' ? 'warn' : 'error',
        file: last,
        line: closing.line,
        message: `import cycle: ${text} (${quoted(closing)} in ${last} closes it)`,
        remediation: `break the cycle: move what ${last} needs from ${start} into a module both can import, or invert one dependency (pass it in, or make it a type-only import)`,
        identity: text,
      },
      { cycle },
    )
  })
}
