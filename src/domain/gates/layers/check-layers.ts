import { globMatcher } from '../../../foundation/fs/glob.ts'
import type { ImportEdge, ImportGraph } from './build-import-graph.ts'
import { adjacency, chainTarget, chainText, fileEdges, quoted } from './counted-edges.ts'
import { indirectChains } from './indirect-chains.ts'
import type { LayersRules } from './layers-config.ts'
import { LAYERS_GATE, type Violation, violation } from './violation.ts'

/** Upward imports between layers (direct, and with `indirect` through unlayered files), overlaps, unlayered files. */
export function layerViolations(graph: ImportGraph, rules: LayersRules): Violation[] {
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
          gate: LAYERS_GATE,
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
          gate: LAYERS_GATE,
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
        gate: LAYERS_GATE,
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
            gate: LAYERS_GATE,
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
