import { globMatcher } from '../../../foundation/fs/glob.ts'
import type { ImportEdge, ImportGraph } from './build-import-graph.ts'
import { adjacency, chainTarget, chainText, counts, quoted } from './counted-edges.ts'
import { indirectChains } from './indirect-chains.ts'
import type { LayersRules } from './layers-config.ts'
import { packageMatcher } from './resolution.ts'
import { LAYERS_GATE, type Violation, violation } from './violation.ts'

/** Imports the `index`th forbidden rule names: from its files to its files or packages. */
export function forbiddenViolations(graph: ImportGraph, rules: LayersRules, index: number): Violation[] {
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
          gate: LAYERS_GATE,
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
            gate: LAYERS_GATE,
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
