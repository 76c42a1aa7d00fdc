import { spdxAllowed } from '../licenses/spdx.ts'
import type { DeclaredDependency } from './declared-dependency.ts'
import { distLicense } from './dist-license.ts'
import type { Issue } from './issue.ts'
import { evaluateMarkerPartly, type MarkerEnvironment } from './pep508-marker.ts'
import { parseRequirement } from './pep508-requirement.ts'
import type { InstalledDistribution } from './python-environment.ts'
import type { PythonProject } from './python-project.ts'

/**
 * Licences of what the project installs: the installed distributions reachable from its
 * declarations in scope (the gate passes installScope) through `Requires-Dist` (markers
 * evaluated for this environment and the requested extras), each against the allowlist of SPDX
 * ids. A transitive package is reported at the declaration that pulls it in, with the chain.
 * `exceptions` (distribution → reason) are skipped.
 */
export function checkLicenses(
  project: PythonProject,
  installed: ReadonlyMap<string, InstalledDistribution>,
  markers: MarkerEnvironment,
  allow: readonly string[],
  exceptions: Readonly<Record<string, string>>,
  inScope: (dep: DeclaredDependency) => boolean = (dep) => dep.group === 'main',
): Issue[] {
  const allowed = new Set(allow)
  const exempt = new Set(Object.keys(exceptions).map((n) => n.toLowerCase().replace(/[-_.]+/g, '-')))
  const ownNames = new Set(project.pyprojects.flatMap((p) => (p.name ? [p.name] : [])))
  const issues: Issue[] = []
  for (const { dist, via, chain } of reachable(project.declared.filter(inScope), installed, markers, ownNames)) {
    if (exempt.has(dist.canonical)) continue
    const license = distLicense(dist)
    const path = chain.length > 1 ? ` (via ${chain.join(' → ')})` : ''
    const fix = `replace ${dist.canonical}, or add "${dist.canonical}": "<reason>" to the gate's license_exceptions after a legal check`
    if (!license) {
      issues.push({
        rule: 'license-unknown',
        severity: 'warn',
        file: via.file,
        line: via.line,
        message: `${dist.name} ${dist.version}${path} declares no licence this gate can read (License: ${JSON.stringify(dist.license?.split('\n')[0] ?? null)}, no License-Expression or licence classifier)`,
        remediation: fix,
        identity: `${dist.canonical}:unknown`,
      })
    } else if (!spdxAllowed(license.tree, allowed)) {
      issues.push({
        rule: 'license-not-allowed',
        severity: 'error',
        file: via.file,
        line: via.line,
        message: `${dist.name} ${dist.version}${path} is licensed ${license.expression} (from ${license.from}), not in the allowlist (${allow.join(', ')})`,
        remediation: `${fix}; or add the licence id to license_allow`,
        identity: `${dist.canonical}:${license.expression}`,
      })
    }
  }
  return issues
}

// --- internal ---

/** Breadth-first over Requires-Dist from the declared names: each installed distribution once, with the declaration that reaches it first. */
function reachable(
  declared: readonly DeclaredDependency[],
  installed: ReadonlyMap<string, InstalledDistribution>,
  markers: MarkerEnvironment,
  ownNames: ReadonlySet<string>,
): { dist: InstalledDistribution; via: DeclaredDependency; chain: string[] }[] {
  const seen = new Set<string>()
  const out: { dist: InstalledDistribution; via: DeclaredDependency; chain: string[] }[] = []
  const queue: { name: string; extras: string[]; via: DeclaredDependency; chain: string[] }[] = declared
    .filter((d) => !ownNames.has(d.name) && !(d.marker && evaluateMarkerPartly(d.marker, markers) === false))
    .map((d) => ({ name: d.name, extras: d.extras, via: d, chain: [d.name] }))
  while (queue.length > 0) {
    const next = queue.shift()!
    const dist = installed.get(next.name)
    if (!dist || seen.has(dist.canonical)) continue
    seen.add(dist.canonical)
    out.push({ dist, via: next.via, chain: next.chain })
    for (const text of dist.requiresDist) {
      let req: ReturnType<typeof parseRequirement>
      try {
        req = parseRequirement(text)
      } catch {
        continue // a malformed Requires-Dist line in someone else's metadata: not this project's finding
      }
      const extras = next.extras.length > 0 ? next.extras : ['']
      const applies =
        !req.marker || extras.some((extra) => evaluateMarkerPartly(req.marker!, { ...markers, extra }) !== false)
      if (applies)
        queue.push({ name: req.canonical, extras: req.extras, via: next.via, chain: [...next.chain, req.canonical] })
    }
  }
  return out
}
