import type { ImportEdge, ImportGraph } from './build-import-graph.ts'
import { fileEdges, quoted } from './counted-edges.ts'
import { findCycles } from './find-cycles.ts'
import type { LayersRules } from './layers-config.ts'
import { LAYERS_GATE, type Violation, violation } from './violation.ts'

/** File-level import cycles, each once, at the import that closes it. */
export function cycleViolations(graph: ImportGraph, rules: LayersRules): Violation[] {
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
        gate: LAYERS_GATE,
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
