import { spec } from './check-pinning.ts'
import { type DeclaredDependency, satisfiedBy } from './declared-dependency.ts'
import type { Issue } from './issue.ts'
import { compareVersions, parseVersion } from './pep440-version.ts'
import { evaluateMarkerPartly } from './pep508-marker.ts'
import type { InstalledDistribution, PythonEnvironment } from './python-environment.ts'
import type { PythonProject } from './python-project.ts'

/**
 * The installed environment against the declarations: a package installed at a version outside
 * its declared range, or other than its lock pins (`installed-drift`, error), and a runtime
 * package that is not installed (`not-installed`: a warning in the project's venv, a note for the
 * system python3, which may serve other projects). Declarations whose marker is false here, and
 * extras and groups that are not installed, are skipped.
 */
export function checkInstalled(
  project: PythonProject,
  environment: PythonEnvironment,
  installed: ReadonlyMap<string, InstalledDistribution>,
): Issue[] {
  const issues: Issue[] = []
  const ownNames = new Set(project.pyprojects.flatMap((p) => (p.name ? [p.name] : [])))
  const envName = environment.origin === 'python3' ? `python3 (${environment.prefix})` : environment.prefix
  for (const dep of project.declared) {
    if (ownNames.has(dep.name)) continue
    if (dep.marker && evaluateMarkerPartly(dep.marker, environment.markers) === false) continue
    const dist = installed.get(dep.name)
    const core = dep.group === 'main'
    if (!dist) {
      if (!core) continue
      issues.push({
        rule: 'not-installed',
        severity: environment.origin === 'python3' ? 'info' : 'warn',
        file: dep.file,
        line: dep.line,
        message: `${dep.name} (${spec(dep)}) is not installed in ${envName}`,
        remediation: installHint(project, dep),
        identity: `${dep.name}:${environment.origin}`,
      })
      continue
    }
    const lock = project.lockOf.get(dep.file)
    const locked = lock?.packages
      .get(dep.name)
      ?.flatMap((l) => (l.version ? [{ version: l.version, line: l.line }] : []))
    const installedAt = `${dist.version} is installed (${dist.path})`
    if (!dep.direct && !satisfiedBy(dep, dist.version)) {
      issues.push({
        rule: 'installed-drift',
        severity: 'error',
        file: dep.file,
        line: dep.line,
        message: `${dep.name} is declared ${spec(dep)} but ${installedAt}`,
        remediation: installHint(project, dep),
        identity: `${dep.name}:${spec(dep)}:${dist.version}`,
      })
    } else if (lock && locked && locked.length > 0 && !locked.some((l) => sameVersion(l.version, dist.version))) {
      issues.push({
        rule: 'installed-drift',
        severity: 'error',
        file: lock.path,
        line: locked[0]!.line,
        message: `${dep.name} is locked at ${locked.map((l) => l.version).join(' / ')} but ${installedAt}`,
        remediation: installHint(project, dep),
        identity: `${dep.name}:lock:${dist.version}`,
      })
    }
  }
  return issues
}

// --- internal ---

function sameVersion(a: string, b: string): boolean {
  const va = parseVersion(a)
  const vb = parseVersion(b)
  return va && vb ? compareVersions(va, vb) === 0 : a === b
}

function installHint(project: PythonProject, dep: DeclaredDependency): string {
  const lock = project.lockOf.get(dep.file)
  if (lock?.format === 'uv') return 'run `uv sync` to install what uv.lock says'
  if (lock?.format === 'poetry') return 'run `poetry install --sync` to install what poetry.lock says'
  if (lock) return `run \`pip-sync ${lock.path}\` (or \`uv pip sync ${lock.path}\`)`
  if (dep.section === 'requirements') return `run \`pip install -r ${dep.file}\``
  return 'run `pip install -e .` (or your installer) in this environment'
}
