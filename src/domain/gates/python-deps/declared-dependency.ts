import { parseSpecifierSet, type SpecifierSet, setContains } from './pep440-specifier.ts'
import type { Version } from './pep440-version.ts'
import type { MarkerList } from './pep508-marker.ts'
import type { Requirement } from './pep508-requirement.ts'

/** One dependency as a manifest declares it, wherever it came from, with its file and line. */
export interface DeclaredDependency {
  file: string
  line: number
  /** Where in the file: `project.dependencies`, `project.optional-dependencies.gpu`, `dependency-groups.dev`, `tool.poetry.group.dev.dependencies`, `requirements`, `constraints`. */
  section: string
  /** `main`, or the extra / group it belongs to. */
  group: string
  /** Installed with the package itself (library policy looks at these). */
  runtime: boolean
  /** PEP 503-normalised name. */
  name: string
  /** The declaration as written (shown in findings). */
  text: string
  /** Version constraint; several only for Poetry's `||` (any one may hold). `[{ specifiers: [] }]`: no constraint. */
  alternatives: SpecifierSet[]
  /** The constraint as written when it is not PEP 440 (Poetry's `^4.40`). */
  written?: string
  extras: string[]
  marker?: MarkerList
  /** A direct reference instead of a version: URL (VCS or archive) or local path. */
  direct?: { kind: 'vcs' | 'archive' | 'path'; location: string; ref?: string }
  editable?: boolean
  hashes?: string[]
}

/** How tightly a declaration fixes what gets installed. */
export type PinKind =
  | 'exact'
  | 'bounded'
  | 'no-upper'
  | 'no-lower'
  | 'unconstrained'
  | 'moving-ref'
  | 'fixed-ref'
  | 'path'

/** Classifies a declaration: `==1.2` exact, `>=1,<2` bounded, `>=1` no-upper, `<2` no-lower, none unconstrained; VCS/URL refs moving or fixed. */
export function pinKind(dep: DeclaredDependency): PinKind {
  if (dep.direct) {
    if (dep.direct.kind === 'path') return 'path'
    return isFixedRef(dep.direct) ? 'fixed-ref' : 'moving-ref'
  }
  const ranks: PinKind[] = ['exact', 'bounded', 'no-upper', 'no-lower', 'unconstrained']
  // Alternatives are ORed: the loosest decides.
  let worst = 0
  for (const set of dep.alternatives) worst = Math.max(worst, ranks.indexOf(setPinKind(set)))
  return ranks[worst]!
}

/** Whether a version satisfies the declaration (any alternative; pre-releases allowed as for an installed or locked version). */
export function satisfiedBy(dep: DeclaredDependency, version: string | Version): boolean {
  return dep.alternatives.some((set) => setContains(set, version, { installed: true }))
}

/** A declaration from a PEP 508 requirement (pyproject arrays, requirements files). */
export function fromRequirement(
  req: Requirement,
  where: Pick<DeclaredDependency, 'file' | 'line' | 'section' | 'group' | 'runtime'> & { text: string },
): DeclaredDependency {
  const dep: DeclaredDependency = {
    ...where,
    name: req.canonical,
    alternatives: [req.specifier],
    extras: req.extras,
  }
  if (req.marker) dep.marker = req.marker
  if (req.url) dep.direct = directReference(req.url)
  return dep
}

/** A URL or path as a direct reference: VCS (`git+…@ref`), archive, or local path. */
export function directReference(location: string): NonNullable<DeclaredDependency['direct']> {
  if (/^(?:git|hg|svn|bzr)\+/i.test(location)) return { kind: 'vcs', location, ref: vcsRef(location) }
  if (/^file:/i.test(location) || !/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) return { kind: 'path', location }
  return { kind: 'archive', location }
}

/** The unconstrained alternative list. */
export const ANY_VERSION: SpecifierSet[] = [parseSpecifierSet('')]

// --- internal ---

function setPinKind(set: SpecifierSet): PinKind {
  let lower = false
  let upper = false
  for (const s of set.specifiers) {
    const wildcard = s.version.endsWith('.*')
    if ((s.operator === '==' && !wildcard) || s.operator === '===') return 'exact'
    if (s.operator === '~=' || (s.operator === '==' && wildcard)) {
      lower = true
      upper = true
    }
    if (s.operator === '>=' || s.operator === '>') lower = true
    if (s.operator === '<=' || s.operator === '<') upper = true
  }
  if (lower && upper) return 'bounded'
  if (lower) return 'no-upper'
  if (upper) return 'no-lower'
  return 'unconstrained'
}

/** The ref after the last `@` of a VCS URL's path (`git+https://host/o/r@v1.2#egg=x` → `v1.2`). */
function vcsRef(url: string): string | undefined {
  const bare = url.replace(/[#?].*$/, '')
  const afterScheme = bare.slice(bare.indexOf('://') + 3)
  const path = afterScheme.slice(afterScheme.indexOf('/') + 1)
  const at = path.lastIndexOf('@')
  return at === -1 || afterScheme.indexOf('/') === -1 ? undefined : path.slice(at + 1) || undefined
}

/**
 * A ref that names one tree for good: a full commit hash, or a tag-like version (`v1.2.0`); branch
 * names and a missing ref move. Archive URLs are fixed unless they point at a branch
 * (`/archive/refs/heads/…`, `/archive/main.zip`).
 */
function isFixedRef(direct: NonNullable<DeclaredDependency['direct']>): boolean {
  if (direct.kind === 'archive') {
    return !/\/archive\/(?:refs\/heads\/|(?:main|master|develop|dev|trunk)\.(?:zip|tar\.gz)$)/i.test(direct.location)
  }
  const ref = direct.ref
  if (!ref) return false
  return (
    /^[0-9a-f]{40}$/i.test(ref) || /^[0-9a-f]{64}$/i.test(ref) || /^v?\d+(?:\.\d+)+(?:[-._]?[a-z0-9]+)*$/i.test(ref)
  )
}
