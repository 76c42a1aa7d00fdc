import { type DeclaredDependency, type PinKind, pinKind } from './declared-dependency.ts'
import type { Issue } from './issue.ts'
import { formatSpecifierSet } from './pep440-specifier.ts'
import type { ProjectKind } from './project-kind.ts'
import type { PythonProject } from './python-project.ts'

/**
 * Pinning policy.
 *
 * Application (installed as a whole; reproducible installs matter): every declaration that no
 * lock or constraints pin covers must be exact (`==`). No constraint or only an upper bound →
 * `unpinned` (error); a lower bound only → `open-ended` (error); a bounded range → `not-exact`
 * (warn); a VCS/URL reference to a branch → `unpinned-vcs` (error). Development groups
 * (`[dependency-groups]`, Poetry groups) get warnings instead of errors.
 *
 * Library (installed into other people's environments): ranges are right and upper bounds are a
 * choice, so runtime declarations only get `info` notes: no lower bound (`unpinned`), no upper
 * bound (`open-ended`), an exact pin that will conflict downstream (`exact-pin-in-library`), a
 * branch reference PyPI will refuse (`unpinned-vcs`).
 *
 * `allow` (package → reason) exempts a package from this check.
 */
export function checkPinning(
  project: PythonProject,
  kind: ProjectKind,
  allow: Readonly<Record<string, string>>,
): Issue[] {
  const issues: Issue[] = []
  const exempt = new Set(Object.keys(allow).map((n) => n.toLowerCase().replace(/[-_.]+/g, '-')))
  const ownNames = new Set(project.pyprojects.flatMap((p) => (p.name ? [p.name] : [])))
  for (const dep of project.declared) {
    if (exempt.has(dep.name) || ownNames.has(dep.name)) continue
    if (isLocked(project, dep) || isConstrained(project, dep)) continue
    const pin = pinKind(dep)
    const issue = kind === 'application' ? applicationIssue(dep, pin) : libraryIssue(dep, pin)
    if (issue)
      issues.push({ ...issue, file: dep.file, line: dep.line, identity: `${dep.section}:${dep.name}:${spec(dep)}` })
  }
  return issues
}

/** The declaration's version constraint as text (`>=1.24`, `any version`, the URL). */
export function spec(dep: DeclaredDependency): string {
  if (dep.direct) return dep.direct.location
  const sets = dep.alternatives.map(formatSpecifierSet)
  const pep440 = sets.every((s) => s === '') ? 'any version' : sets.map((s) => s || '*').join(' || ')
  return dep.written && dep.written.trim() !== '*' && dep.written !== pep440 ? `${dep.written} (${pep440})` : pep440
}

// --- internal ---

type Draft = Omit<Issue, 'file' | 'line' | 'identity'>

function applicationIssue(dep: DeclaredDependency, pin: PinKind): Draft | undefined {
  const dev = !dep.runtime
  const severity = dev ? 'warn' : 'error'
  const fix = `pin it (${dep.name}==<version you test with>), or add a lock file (uv lock, poetry lock, pip-compile) or a -c constraints pin`
  const where = dep.section === 'requirements' ? dep.name : `${dep.name} in ${dep.section}`
  switch (pin) {
    case 'unconstrained':
      return {
        rule: 'unpinned',
        severity,
        message: `${where} has no version constraint: each install may get a different version`,
        remediation: fix,
      }
    case 'no-lower':
      return {
        rule: 'unpinned',
        severity,
        message: `${where} has only an upper bound (${spec(dep)}): any older version may be installed`,
        remediation: fix,
      }
    case 'no-upper':
      return {
        rule: 'open-ended',
        severity,
        message: `${where} is open-ended (${spec(dep)}): every new release is installed untested`,
        remediation: fix,
      }
    case 'bounded':
      return {
        rule: 'not-exact',
        severity: 'warn',
        message: `${where} is a range (${spec(dep)}), not a pin: installs differ within it`,
        remediation: fix,
      }
    case 'moving-ref':
      return {
        rule: 'unpinned-vcs',
        severity,
        message: `${where} follows ${dep.direct?.ref ? `the branch ${dep.direct.ref}` : 'a branch'} of ${dep.direct?.location}: its content changes under the same name`,
        remediation: 'reference a tag or a full commit hash (…@<40-hex commit>)',
      }
    default:
      return undefined
  }
}

function libraryIssue(dep: DeclaredDependency, pin: PinKind): Draft | undefined {
  if (!dep.runtime) return undefined
  if (dep.section === 'requirements') return recipeIssue(dep, pin)
  const where = `${dep.name} in ${dep.section}`
  switch (pin) {
    case 'unconstrained':
    case 'no-lower':
      return {
        rule: 'unpinned',
        severity: 'info',
        message: `${where} has no lower bound (${spec(dep)}): resolvers may pick a version too old to work`,
        remediation: `declare the oldest version you support (${dep.name}>=<version>)`,
      }
    case 'no-upper':
      return {
        rule: 'open-ended',
        severity: 'info',
        message: `${where} has no upper bound (${spec(dep)}): fine for a library, unless you know a major version breaks you`,
        remediation: 'nothing to do unless a known release breaks you; then add <next-major',
      }
    case 'exact':
      return {
        rule: 'exact-pin-in-library',
        severity: 'info',
        message: `${where} is pinned exactly (${spec(dep)}): users of this library cannot install any other version alongside it`,
        remediation: 'declare a range (>=tested,<next-major) and pin in an application lock or constraints file',
      }
    case 'moving-ref':
      return {
        rule: 'unpinned-vcs',
        severity: 'info',
        message: `${where} is a direct reference to a branch (${dep.direct?.location}): PyPI refuses uploads with direct references`,
        remediation: 'depend on a released version, or reference a tag or commit',
      }
    default:
      return undefined
  }
}

/** Requirements files in a library repository are recipes (examples, docs, CI): pins belong there, gaps are notes. */
function recipeIssue(dep: DeclaredDependency, pin: PinKind): Draft | undefined {
  const fix = `pin the version the recipe was tested with (${dep.name}==<version>)`
  switch (pin) {
    case 'unconstrained':
    case 'no-lower':
    case 'no-upper':
      return {
        rule: pin === 'no-upper' ? 'open-ended' : 'unpinned',
        severity: 'info',
        message: `${dep.name} (${spec(dep)}) in this requirements file installs whatever is newest: the recipe may break on a new release`,
        remediation: fix,
      }
    case 'moving-ref':
      return {
        rule: 'unpinned-vcs',
        severity: 'info',
        message: `${dep.name} follows a branch of ${dep.direct?.location}: the recipe installs whatever was pushed last`,
        remediation: 'reference a tag or a full commit hash (…@<40-hex commit>)',
      }
    default:
      return undefined
  }
}

/** Resolved through a lock: the lock decides the version (and checkLocks reports a package it lacks). */
function isLocked(project: PythonProject, dep: DeclaredDependency): boolean {
  return project.lockOf.has(dep.file)
}

/** An exact pin for the name in a constraints file pulled in by a root that also pulls in this file. */
function isConstrained(project: PythonProject, dep: DeclaredDependency): boolean {
  const { closures } = project.requirements
  for (const files of closures.values()) {
    if (!files.includes(dep.file)) continue
    const pinned = project.constraints.some(
      (c) => c.name === dep.name && files.includes(c.file) && pinKind(c) === 'exact',
    )
    if (pinned) return true
  }
  return false
}
