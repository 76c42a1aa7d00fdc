import { globMatcher } from '../../../foundation/fs/glob.ts'
import type { ImportEdge, ImportGraph } from './build-import-graph.ts'
import { adjacency, chainTarget, chainText, fileEdges, quoted } from './counted-edges.ts'
import { indirectChains } from './indirect-chains.ts'
import type { LayersRules } from './layers-config.ts'
import { LAYERS_GATE, type Violation, violation } from './violation.ts'

/** Imports between the groups of one independence rule (and, with `indirect`, chains through files in no group). */
export function independenceViolations(
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
          gate: LAYERS_GATE,
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
