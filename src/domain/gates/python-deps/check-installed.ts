import { spec } from './check-pinning.ts'
import { type DeclaredDependency, satisfiedBy } from './declared-dependency.ts'
import type { Issue } from './issue.ts'
import { compareVersions, parseVersion } from './pep440-version.ts'
import { evaluateMarkerPartly } from './pep508-marker.ts'
import type { InstalledDistribution, PythonEnvironment } from './python-environment.ts'
import type { PythonProject } from './python-project.ts'

/**
 * The installed environment against the declarations it should hold (`inScope`: the gate passes
 * the core install, see installScope): a package installed at a version outside its declared
 * range, or other than its lock pins (`installed-drift`), and one that is not installed
 * (`not-installed`). In the project's venv these are an error and a warning; the system python3
 * may serve other projects, so there they are a warning and a note. Declarations whose marker is
 * false here are skipped.
 */
export function checkInstalled(
  project: PythonProject,
  environment: PythonEnvironment,
  installed: ReadonlyMap<string, InstalledDistribution>,
  inScope: (dep: DeclaredDependency) => boolean = (dep) => dep.group === 'main',
): Issue[] {
  const issues: Issue[] = []
  const ownNames = new Set(project.pyprojects.flatMap((p) => (p.name ? [p.name] : [])))
  const shared = environment.origin === 'python3'
  const envName = shared ? `python3 (${environment.prefix})` : environment.prefix
  for (const dep of project.declared) {
    if (ownNames.has(dep.name) || !inScope(dep)) continue
    if (dep.marker && evaluateMarkerPartly(dep.marker, environment.markers) === false) continue
    const dist = installed.get(dep.name)
    if (!dist) {
      issues.push({
        rule: 'not-installed',
        severity: shared ? 'info' : 'warn',
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
        severity: shared ? 'warn' : 'error',
        file: dep.file,
        line: dep.line,
        message: `${dep.name} is declared ${spec(dep)} but ${installedAt}`,
        remediation: installHint(project, dep),
        identity: `${dep.name}:${spec(dep)}:${dist.version}`,
      })
    } else if (lock && locked && locked.length > 0 && !locked.some((l) => sameVersion(l.version, dist.version))) {
      issues.push({
        rule: 'installed-drift',
        severity: shared ? 'warn' : 'error',
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

/**
 * What an install of the project holds: the main runtime declarations, and in an application its
 * requirements files too. Extras and groups may be left out on purpose; a library's requirements
 * files are recipes for other environments.
 */
export function installScope(kind: 'application' | 'library'): (dep: DeclaredDependency) => boolean {
  return (dep) => dep.group === 'main' && (kind === 'application' || dep.section !== 'requirements')
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
