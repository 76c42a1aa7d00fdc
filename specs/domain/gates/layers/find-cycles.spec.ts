import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { findCycles, stronglyConnected } from '../../../../src/domain/gates/layers/find-cycles.ts'

function graphOf(edges: readonly [string, string][]): Map<string, string[]> {
  const g = new Map<string, string[]>()
  for (const [a, b] of edges) {
    if (!g.has(b)) g.set(b, [])
    const list = g.get(a) ?? []
    if (!list.includes(b)) list.push(b)
    g.set(a, list)
  }
  return g
}

/** Every simple cycle, by brute force (a DFS from each node through larger nodes only). */
function allSimpleCycles(g: ReadonlyMap<string, readonly string[]>): string[][] {
  const out: string[][] = []
  const nodes = [...g.keys()].sort()
  for (const start of nodes) {
    const walk = (node: string, path: string[]) => {
      for (const next of g.get(node) ?? []) {
        if (next === start) out.push([...path])
        else if (next > start && !path.includes(next)) walk(next, [...path, next])
      }
    }
    walk(start, [start])
  }
  return out
}

const arrows = (cycle: readonly string[]) => cycle.map((n, i) => `${n}>${cycle[(i + 1) % cycle.length]}`)

describe('findCycles()', () => {
  test('each cycle once, from its smallest file; a self-import is a cycle of one', () => {
    const g = graphOf([
      ['c', 'a'],
      ['a', 'b'],
      ['b', 'c'],
      ['b', 'a'],
      ['d', 'd'],
      ['e', 'a'],
    ])
    expect(findCycles(g)).toEqual([['d'], ['a', 'b'], ['a', 'b', 'c']])
  })

  test('no cycles in a DAG', () => {
    expect(
      findCycles(
        graphOf([
          ['a', 'b'],
          ['b', 'c'],
          ['a', 'c'],
        ]),
      ),
    ).toEqual([])
  })

  test('a long chain does not overflow the stack (iterative Tarjan)', () => {
    const edges: [string, string][] = []
    for (let i = 0; i < 50_000; i++) edges.push([`n${i}`, `n${i + 1}`])
    edges.push(['n50000', 'n0'])
    expect(stronglyConnected(graphOf(edges))[0]).toHaveLength(50_001)
  })

  test('property: equals a brute-force check on random graphs', () => {
    const node = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g')
    fc.assert(
      fc.property(fc.array(fc.tuple(node, node), { maxLength: 18 }), (edges) => {
        const g = graphOf(edges)
        const brute = allSimpleCycles(g)
        const found = findCycles(g)
        const edgeSet = new Set(edges.map(([a, b]) => `${a}>${b}`))
        // Every reported cycle is a simple cycle of the graph, rotated to its smallest node, once.
        for (const c of found) {
          expect(new Set(c).size).toBe(c.length)
          expect(c[0]).toBe([...c].sort()[0])
          for (const arrow of arrows(c)) expect(edgeSet.has(arrow)).toBe(true)
        }
        expect(new Set(found.map((c) => c.join())).size).toBe(found.length)
        // The arrows on some cycle are exactly those on a reported one, each on one of least length.
        const shortest = new Map<string, number>()
        for (const c of brute) for (const a of arrows(c)) shortest.set(a, Math.min(shortest.get(a) ?? 99, c.length))
        const covered = new Map<string, number>()
        for (const c of found) for (const a of arrows(c)) covered.set(a, Math.min(covered.get(a) ?? 99, c.length))
        expect(new Map([...covered].sort())).toEqual(new Map([...shortest].sort()))
        // Files on a cycle: the same set both ways.
        expect(new Set(found.flat())).toEqual(new Set(brute.flat()))
      }),
      { numRuns: 500 },
    )
  })
})
