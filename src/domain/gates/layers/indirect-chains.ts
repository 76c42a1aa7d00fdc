import type { ImportEdge } from './build-import-graph.ts'

/**
 * Shortest chains (≥ 2 imports) from `start` through files `canPass` accepts to the targets
 * `targetKey` names: one chain per key, the first found breadth-first.
 */
export function indirectChains(
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
