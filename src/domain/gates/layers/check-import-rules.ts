import { type Finding, makeFinding } from '../finding.ts'
import type { ImportGraph } from './build-import-graph.ts'
import { cycleViolations } from './check-cycles.ts'
import { forbiddenViolations } from './check-forbidden.ts'
import { independenceViolations } from './check-independent.ts'
import { layerViolations } from './check-layers.ts'
import type { LayersRules } from './layers-config.ts'
import { LAYERS_GATE, type Violation, violation } from './violation.ts'

export type { Violation } from './violation.ts'

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
  findings.push(...problemViolations(graph))
  if (rules.layers.length > 0 || rules.report_unlayered) findings.push(...layerViolations(graph, rules))
  rules.forbidden.forEach((_, i) => {
    findings.push(...forbiddenViolations(graph, rules, i))
  })
  for (const rule of rules.independent) findings.push(...independenceViolations(graph, rules, rule))
  if (rules.cycles !== 'off') findings.push(...cycleViolations(graph, rules))
  return findings
}

// --- internal ---

/** Imports that name no file, or climb out of their package. */
function problemViolations(graph: ImportGraph): Violation[] {
  return graph.problems.map((p) =>
    violation(p.file, p.specifier, {
      gate: LAYERS_GATE,
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
