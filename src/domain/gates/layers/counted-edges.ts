// The arrows rules look at: which count under type_only, one per (from, to), and chains of them.
import type { ImportEdge, ImportGraph } from './build-import-graph.ts'
import type { TypeOnlyMode } from './layers-config.ts'

/** Whether an edge counts under a type-only mode. */
export function counts(edge: ImportEdge, mode: TypeOnlyMode): boolean {
  return mode === 'check' || !edge.typeOnly
}

/** The first counted edge per (from, to file), in file/line order. */
export function fileEdges(graph: ImportGraph, mode: TypeOnlyMode): ImportEdge[] {
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

/** Edges by importing file. */
export function adjacency(edges: readonly ImportEdge[]): Map<string, ImportEdge[]> {
  const out = new Map<string, ImportEdge[]>()
  for (const e of edges) {
    const list = out.get(e.from)
    if (list) list.push(e)
    else out.set(e.from, [e])
  }
  return out
}

/** `'x'` as written, quoted for messages. */
export function quoted(e: ImportEdge): string {
  return `'${e.specifier}'`
}

/** `a.ts → b.ts → pkg`: a chain of imports for messages. */
export function chainText(chain: readonly ImportEdge[]): string {
  return [chain[0]?.from, ...chain.map((e) => e.to ?? e.package)].join(' → ')
}

/** The last arrow's target of a chain: a file, or `package:<name>`. */
export function chainTarget(chain: readonly ImportEdge[]): string {
  const last = chain[chain.length - 1] as ImportEdge
  return last.to ?? `package:${last.package}`
}
