import { spec } from './check-pinning.ts'
import { type DeclaredDependency, satisfiedBy } from './declared-dependency.ts'
import type { Issue } from './issue.ts'
import type { LockFile } from './lock-file.ts'
import { formatSpecifierSet, parseSpecifierSet } from './pep440-specifier.ts'
import { canonicalizeName, evaluateMarkerPartly, type MarkerEnvironment } from './pep508-marker.ts'
import type { PythonProject } from './python-project.ts'

/**
 * Manifest ↔ lock: a declared package the lock lacks (`missing-from-lock`), a lock whose versions
 * of it all fall outside the declared range (`lock-mismatch`), and for uv.lock a declaration that
 * differs from what uv recorded when it locked (`lock-stale`: `uv lock --check` would fail).
 * uv and Poetry lock every platform at once; a pip-compile lock holds one platform, so a
 * declaration whose marker is false for `markers` is not expected in it.
 */
export function checkLocks(project: PythonProject, markers: MarkerEnvironment): Issue[] {
  const issues: Issue[] = []
  const ownNames = new Set(project.pyprojects.flatMap((p) => (p.name ? [p.name] : [])))
  for (const dep of project.declared) {
    const lock = project.lockOf.get(dep.file)
    if (!lock || ownNames.has(dep.name)) continue
    if (lock.format === 'pip-compile' && dep.marker && evaluateMarkerPartly(dep.marker, markers) === false) continue
    const locked = lock.packages.get(dep.name)
    if (!locked) {
      issues.push({
        rule: 'missing-from-lock',
        severity: 'error',
        file: dep.file,
        line: dep.line,
        message: `${dep.name} (${spec(dep)}, ${dep.section}) is not in ${lock.path}`,
        remediation: relock(lock),
        identity: `${dep.name}:${lock.path}`,
      })
      continue
    }
    const versions = [...new Set(locked.flatMap((l) => (l.version ? [l.version] : [])))]
    if (!dep.direct && versions.length > 0 && !versions.some((v) => satisfiedBy(dep, v))) {
      issues.push({
        rule: 'lock-mismatch',
        severity: 'error',
        file: dep.file,
        line: dep.line,
        message: `${dep.name} is declared ${spec(dep)} but ${lock.path}:${locked[0]!.line} locks ${versions.join(', ')}`,
        remediation: relock(lock),
        identity: `${dep.name}:${spec(dep)}:${versions.join(',')}`,
      })
      continue
    }
    const stale = lock.format === 'uv' ? staleAgainstUv(dep, lock, project) : undefined
    if (stale) issues.push(stale)
  }
  return issues
}

// --- internal ---

function relock(lock: LockFile): string {
  if (lock.format === 'uv') return 'run `uv lock` and commit uv.lock'
  if (lock.format === 'poetry') return 'run `poetry lock` and commit poetry.lock'
  const input = lock.inputs[0]?.path ?? '<inputs>'
  return `re-run pip-compile (\`pip-compile ${input} -o ${lock.path}\`, or \`uv pip compile\`) and commit ${lock.path}`
}

/** uv records each member's requirements in the lock; a declaration it did not record means the lock predates it. */
function staleAgainstUv(dep: DeclaredDependency, lock: LockFile, project: PythonProject): Issue | undefined {
  if (dep.section === 'requirements') return undefined
  const pyproject = project.pyprojects.find((p) => p.path === dep.file)
  const lockDir = lock.path.includes('/') ? lock.path.slice(0, lock.path.lastIndexOf('/')) : '.'
  const pdir = dep.file.includes('/') ? dep.file.slice(0, dep.file.lastIndexOf('/')) : '.'
  const relative = lockDir === '.' ? pdir : pdir.startsWith(`${lockDir}/`) ? pdir.slice(lockDir.length + 1) : pdir
  const member =
    lock.inputs.find((i) => i.path === relative) ??
    (relative === '.' ? lock.inputs.find((i) => i.path === '.') : undefined)
  if (!pyproject || !member?.recorded || member.recorded.length === 0) return undefined
  const recorded = member.recorded.filter(
    (r) => r.name === dep.name && canonicalizeName(r.group) === canonicalizeName(dep.group),
  )
  const declared = normalise(dep.alternatives.map(formatSpecifierSet).join(','))
  if (recorded.some((r) => normalise(r.specifier) === declared)) return undefined
  if (dep.direct && recorded.length > 0) return undefined // uv records URL sources elsewhere ([tool.uv.sources])
  return {
    rule: 'lock-stale',
    severity: 'warn',
    file: dep.file,
    line: dep.line,
    message:
      recorded.length === 0
        ? `${dep.name} (${dep.section}) is not among the requirements ${lock.path} was locked from: the lock predates it`
        : `${dep.name} is declared ${spec(dep)} but ${lock.path} was locked from ${recorded.map((r) => r.specifier || 'any version').join(' / ')}`,
    remediation: relock(lock),
    identity: `${dep.name}:${dep.group}:${declared}`,
  }
}

function normalise(specifier: string): string {
  try {
    return formatSpecifierSet(parseSpecifierSet(specifier))
  } catch {
    return specifier
  }
}
