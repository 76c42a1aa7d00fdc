import { posix } from 'node:path'
import { spec } from './check-pinning.ts'
import { type DeclaredDependency, pinKind, satisfiedBy } from './declared-dependency.ts'
import type { Issue } from './issue.ts'
import { compareVersions, parseVersion, publicVersion } from './pep440-version.ts'
import { formatMarker } from './pep508-marker.ts'
import type { PythonProject } from './python-project.ts'

/**
 * One package pinned to different versions across requirements files, constraints and groups
 * of one project (`torch==2.1.0` here, `torch==2.2.0` there), or pinned outside a range
 * declared there (`numpy==1.23` against `numpy>=1.24`): whichever file is installed last wins,
 * and the environments disagree. A project is a folder together with everything its files
 * include: sibling example folders are separate projects, not conflicts. Declarations under
 * different markers are alternatives. One finding per package, at its first exact pin.
 */
export function checkConflictingPins(project: PythonProject): Issue[] {
  const scope = scopes(project)
  const byName = new Map<string, DeclaredDependency[]>()
  for (const dep of [...project.declared, ...project.constraints]) {
    if (dep.direct) continue
    const key = `${scope(dep.file)}\0${dep.name}\0${dep.marker ? formatMarker(dep.marker) : ''}`
    byName.set(key, [...(byName.get(key) ?? []), dep])
  }
  const issues: Issue[] = []
  for (const deps of byName.values()) {
    const pins = deps.filter((d) => pinKind(d) === 'exact')
    const first = pins[0]
    if (!first) continue
    const versions = new Map<string, DeclaredDependency[]>()
    for (const pin of pins) {
      const version = pinnedVersion(pin)
      const same = [...versions.keys()].find((v) => equalVersions(v, version))
      versions.set(same ?? version, [...(versions.get(same ?? version) ?? []), pin])
    }
    const at = (d: DeclaredDependency) => `${d.file}:${d.line}`
    if (versions.size > 1) {
      const listing = [...versions].map(([v, ds]) => `==${v} (${ds.map(at).join(', ')})`).join(' vs ')
      issues.push({
        rule: 'conflicting-pins',
        severity: 'warn',
        file: first.file,
        line: first.line,
        message: `${first.name} is pinned to ${versions.size} versions: ${listing}`,
        remediation: `pin one version of ${first.name} in one place (a shared -r/-c file or the lock) and include it`,
        identity: `${first.name}:${[...versions.keys()].sort().join(',')}`,
      })
      continue
    }
    const [version] = [...versions.keys()]
    const outside = deps.filter((d) => pinKind(d) !== 'exact' && !satisfiedBy(d, version!))
    if (outside.length > 0) {
      issues.push({
        rule: 'conflicting-pins',
        severity: 'warn',
        file: first.file,
        line: first.line,
        message: `${first.name}==${version} (${pins.map(at).join(', ')}) is outside ${outside.map((d) => `${spec(d)} (${at(d)})`).join(', ')}`,
        remediation: `make the pin of ${first.name} satisfy every declaration of it, or widen the range`,
        identity: `${first.name}:${version}:${outside.map(spec).join(',')}`,
      })
    }
  }
  return issues
}

// --- internal ---

/** Files grouped into projects: same folder, or pulled in by one requirements root (union-find). */
function scopes(project: PythonProject): (file: string) => string {
  const parent = new Map<string, string>()
  const find = (x: string): string => {
    const p = parent.get(x) ?? x
    if (p === x) return x
    const r = find(p)
    parent.set(x, r)
    return r
  }
  const union = (a: string, b: string) => parent.set(find(a), find(b))
  const dirOf = (file: string) => `dir:${posix.dirname(file)}`
  for (const dep of [...project.declared, ...project.constraints]) union(dep.file, dirOf(dep.file))
  for (const files of project.requirements.closures.values()) for (const f of files) union(f, files[0]!)
  return find
}

function pinnedVersion(dep: DeclaredDependency): string {
  for (const set of dep.alternatives) {
    const pin = set.specifiers.find((s) => (s.operator === '==' && !s.version.endsWith('.*')) || s.operator === '===')
    if (pin) return pin.version
  }
  return ''
}

/** Equal public versions: `2.1.0+cpu` and `2.1.0+cu121` are builds of one release for different hardware, not a conflict. */
function equalVersions(a: string, b: string): boolean {
  const va = parseVersion(a)
  const vb = parseVersion(b)
  return va && vb ? compareVersions(publicVersion(va), publicVersion(vb)) === 0 : a.toLowerCase() === b.toLowerCase()
}
