/**
 * Import cycles of a directed graph given as adjacency lists (node → successors): Tarjan's
 * strongly connected components, then, for every edge inside a component, a shortest cycle
 * through it (breadth-first from the edge's head back to its tail, inside the component). Each
 * cycle is reported once, rotated to start at its smallest node (string order), as the node
 * list without the repeated start: `['a', 'b']` is a → b → a. A self-import is `['a']`.
 * Every edge that lies on some cycle is on at least one reported cycle, of the least length possible.
 */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles = new Map<string, string[]>()
  for (const component of stronglyConnected(graph)) {
    const members = new Set(component)
    for (const u of component) {
      for (const v of graph.get(u) ?? []) {
        if (!members.has(v)) continue
        const path = shortestPath(graph, members, v, u)
        if (!path) continue
        const cycle = canonical(u === v ? [u] : [u, ...path.slice(0, -1)])
        const key = cycle.join('\0')
        if (!cycles.has(key)) cycles.set(key, cycle)
      }
    }
  }
  return [...cycles.values()].sort((a, b) => a.length - b.length || compare(a.join('\0'), b.join('\0')))
}

/** Strongly connected components with a cycle in them (size > 1, or a self-loop), iteratively. */
export function stronglyConnected(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const onStack = new Set<string>()
  const stack: string[] = []
  const out: string[][] = []
  let counter = 0
  for (const start of graph.keys()) {
    if (index.has(start)) continue
    // Explicit call stack: [node, position in its successor list].
    const work: [string, number][] = [[start, 0]]
    index.set(start, counter)
    low.set(start, counter++)
    stack.push(start)
    onStack.add(start)
    while (work.length > 0) {
      const frame = work[work.length - 1] as [string, number]
      const [node, i] = frame
      const next = graph.get(node) ?? []
      if (i < next.length) {
        frame[1] = i + 1
        const w = next[i] as string
        if (!index.has(w)) {
          index.set(w, counter)
          low.set(w, counter++)
          stack.push(w)
          onStack.add(w)
          work.push([w, 0])
        } else if (onStack.has(w)) {
          low.set(node, Math.min(low.get(node) as number, index.get(w) as number))
        }
        continue
      }
      work.pop()
      const parent = work[work.length - 1]
      if (parent) low.set(parent[0], Math.min(low.get(parent[0]) as number, low.get(node) as number))
      if (low.get(node) === index.get(node)) {
        const component: string[] = []
        let w: string
        do {
          w = stack.pop() as string
          onStack.delete(w)
          component.push(w)
        } while (w !== node)
        if (component.length > 1 || (graph.get(node) ?? []).includes(node)) out.push(component.sort(compare))
      }
    }
  }
  return out
}

// --- internal ---

/** Shortest path from `from` to `to` inside `members`, both ends included; [from] when equal. */
function shortestPath(
  graph: ReadonlyMap<string, readonly string[]>,
  members: ReadonlySet<string>,
  from: string,
  to: string,
): string[] | undefined {
  if (from === to) return [from]
  const previous = new Map<string, string>([[from, from]])
  let frontier = [from]
  while (frontier.length > 0) {
    const nextFrontier: string[] = []
    for (const n of frontier) {
      for (const w of graph.get(n) ?? []) {
        if (!members.has(w) || previous.has(w)) continue
        previous.set(w, n)
        if (w === to) {
          const path = [w]
          for (let p = n; p !== from; p = previous.get(p) as string) path.push(p)
          path.push(from)
          return path.reverse()
        }
        nextFrontier.push(w)
      }
    }
    frontier = nextFrontier
  }
  return undefined
}

function canonical(cycle: string[]): string[] {
  let min = 0
  for (let i = 1; i < cycle.length; i++) if (compare(cycle[i] as string, cycle[min] as string) < 0) min = i
  return [...cycle.slice(min), ...cycle.slice(0, min)]
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
