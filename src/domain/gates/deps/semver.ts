/**
 * The subset of npm's semver the deps gate needs: parse, compare (prerelease precedence),
 * ranges with `||`, hyphens, comparators, `^`, `~` and x-ranges, and node-semver's prerelease
 * rule (a prerelease satisfies a range only through a comparator on the same major.minor.patch).
 */
export interface SemVer {
  major: number
  minor: number
  patch: number
  prerelease: (string | number)[]
}

type Op = '<' | '<=' | '>' | '>=' | '='

/** One comparator, e.g. `>=1.2.3`. */
export interface Comparator {
  op: Op
  version: SemVer
}

const NUM = '0|[1-9]\\d*'
const PRE_ID = `(?:${NUM}|\\d*[a-zA-Z-][a-zA-Z0-9-]*)`
const VERSION = new RegExp(
  `^v?(${NUM})\\.(${NUM})\\.(${NUM})(?:-(${PRE_ID}(?:\\.${PRE_ID})*))?(?:\\+([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?$`,
)
const XR = `(?:${NUM}|[xX*])`
const PARTIAL = new RegExp(
  `^v?(${XR})(?:\\.(${XR})(?:\\.(${XR})(?:-(${PRE_ID}(?:\\.${PRE_ID})*))?(?:\\+[0-9A-Za-z.-]+)?)?)?$`,
)

/** Parses `1.2.3`, `v1.2.3-beta.1+build`; undefined when it is not a version. */
export function parseVersion(text: string): SemVer | undefined {
  const m = VERSION.exec(text.trim().replace(/^=\s*/, ''))
  if (!m) return undefined
  const version = { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), prerelease: parsePre(m[4]) }
  return [version.major, version.minor, version.patch].every(Number.isSafeInteger) ? version : undefined
}

/** `1.2.3-beta.1`. */
export function formatVersion(v: SemVer): string {
  return `${v.major}.${v.minor}.${v.patch}${v.prerelease.length ? `-${v.prerelease.join('.')}` : ''}`
}

/** -1, 0 or 1 by semver precedence (build metadata ignored). */
export function compareVersions(a: SemVer, b: SemVer): -1 | 0 | 1 {
  for (const k of ['major', 'minor', 'patch'] as const) if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1
  const pa = a.prerelease
  const pb = b.prerelease
  if (pa.length === 0 || pb.length === 0) return pa.length === pb.length ? 0 : pa.length === 0 ? 1 : -1
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i]
    const y = pb[i]
    if (x === undefined) return -1
    if (y === undefined) return 1
    if (x === y) continue
    if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : 1
    if (typeof x === 'number') return -1
    if (typeof y === 'number') return 1
    return x < y ? -1 : 1
  }
  return 0
}

/**
 * Parses a range into OR-ed sets of AND-ed comparators; undefined when `text` is not a range
 * (a tag, URL, git or file spec). `*`, `x` and `` become `>=0.0.0`.
 */
export function parseRange(text: string): Comparator[][] | undefined {
  const sets: Comparator[][] = []
  for (const part of text.split('||')) {
    const set = parseSet(part.trim())
    if (!set) return undefined
    sets.push(set)
  }
  // As node-semver: one `*` alternative makes the whole range `*` (so prereleases stay out).
  const any = sets.find((set) => set.length === 1 && set[0] === ANY[0])
  return any && sets.length > 1 ? [any] : sets
}

/** True when `version` satisfies `range` (npm semantics, not loose). Bad input → false. */
export function satisfies(version: string | SemVer, range: string | Comparator[][]): boolean {
  const v = typeof version === 'string' ? parseVersion(version) : version
  const sets = typeof range === 'string' ? parseRange(range) : range
  if (!v || !sets) return false
  return sets.some((set) => testSet(set, v))
}

// --- internal ---

function parsePre(text: string | undefined): (string | number)[] {
  if (!text) return []
  return text.split('.').map((id) => (/^\d+$/.test(id) ? Number(id) : id))
}

const ANY: Comparator[] = [{ op: '>=', version: v(0, 0, 0) }]
const NONE: Comparator[] = [{ op: '<', version: v(0, 0, 0, [0]) }]

function v(major: number, minor: number, patch: number, prerelease: (string | number)[] = []): SemVer {
  return { major, minor, patch, prerelease }
}

interface Partial {
  major?: number
  minor?: number
  patch?: number
  prerelease: (string | number)[]
}

function parsePartial(text: string): Partial | undefined {
  const m = PARTIAL.exec(text)
  if (!m) return undefined
  const num = (s: string | undefined) => (s === undefined || /^[xX*]$/.test(s) ? undefined : Number(s))
  const major = num(m[1])
  const minor = major === undefined ? undefined : num(m[2])
  const patch = minor === undefined ? undefined : num(m[3])
  return { major, minor, patch, prerelease: patch === undefined ? [] : parsePre(m[4]) }
}

function parseSet(text: string): Comparator[] | undefined {
  if (text === '') return ANY
  const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(text)
  if (hyphen) {
    const lo = parsePartial(hyphen[1] as string)
    const hi = parsePartial(hyphen[2] as string)
    if (!lo || !hi) return undefined
    // An x on either side drops that bound entirely (`* - 1.2.3` is `<=1.2.3`).
    const bounds = [
      ...(lo.major === undefined ? [] : lowerBound(lo.major, lo)),
      ...(hi.major === undefined ? [] : upperBound(hi.major, hi)),
    ]
    return bounds.length > 0 ? bounds : ANY
  }
  // `>= 1.2.3` is allowed: glue operators to their versions first.
  const tokens = text.replace(/(<=|>=|<|>|=|~>|~|\^)\s+/g, '$1').split(/\s+/)
  const out: Comparator[] = []
  for (const token of tokens) {
    const set = parseComparator(token)
    if (!set) return undefined
    out.push(...set)
  }
  return out
}

function parseComparator(token: string): Comparator[] | undefined {
  const m = /^(<=|>=|<|>|=|~>|~|\^)?(.*)$/.exec(token) as RegExpExecArray
  const op = m[1] ?? ''
  const p = parsePartial(m[2] as string)
  if (!p) return undefined
  const { major, minor, patch } = p
  if (op === '^') {
    if (major === undefined) return ANY
    const lo = lowerBound(major, p)
    if (major > 0 || minor === undefined) return [...lo, lt(major + 1, 0, 0)]
    if (minor > 0 || patch === undefined) return [...lo, lt(0, minor + 1, 0)]
    return [...lo, lt(0, 0, patch + 1)]
  }
  if (op === '~' || op === '~>') {
    if (major === undefined) return ANY
    const lo = lowerBound(major, p)
    return [...lo, minor === undefined ? lt(major + 1, 0, 0) : lt(major, minor + 1, 0)]
  }
  if (op === '' || op === '=') {
    if (major === undefined) return ANY
    if (patch !== undefined) return [{ op: '=', version: v(major, minor as number, patch, p.prerelease) }]
    return [...lowerBound(major, p), ...upperBound(major, p)]
  }
  if (major === undefined) return op === '<' || op === '>' ? NONE : ANY
  if (patch !== undefined) return [{ op: op as Op, version: v(major, minor as number, patch, p.prerelease) }]
  // Partial versions with an operator: `>1.2` is `>=1.3.0`, `<=1` is `<2.0.0-0`.
  if (op === '>') return [{ op: '>=', version: minor === undefined ? v(major + 1, 0, 0) : v(major, minor + 1, 0) }]
  if (op === '>=') return lowerBound(major, p)
  if (op === '<') return [lt(major, minor ?? 0, 0)]
  return upperBound(major, p)
}

/** `>=` the lowest version a partial with a known `major` names. */
function lowerBound(major: number, p: Partial): Comparator[] {
  return [{ op: '>=', version: v(major, p.minor ?? 0, p.patch ?? 0, p.patch === undefined ? [] : p.prerelease) }]
}

/** `<=` a full version, or `<` the next release after a partial one. */
function upperBound(major: number, p: Partial): Comparator[] {
  if (p.minor === undefined) return [lt(major + 1, 0, 0)]
  if (p.patch === undefined) return [lt(major, p.minor + 1, 0)]
  return [{ op: '<=', version: v(major, p.minor, p.patch, p.prerelease) }]
}

/** `<X.Y.Z-0`: below every prerelease of X.Y.Z, as node-semver writes upper bounds. */
function lt(major: number, minor: number, patch: number): Comparator {
  return { op: '<', version: v(major, minor, patch, [0]) }
}

function test(c: Comparator, version: SemVer): boolean {
  const d = compareVersions(version, c.version)
  switch (c.op) {
    case '<':
      return d < 0
    case '<=':
      return d <= 0
    case '>':
      return d > 0
    case '>=':
      return d >= 0
    default:
      return d === 0
  }
}

function testSet(set: Comparator[], version: SemVer): boolean {
  if (!set.every((c) => test(c, version))) return false
  if (version.prerelease.length === 0) return true
  // A prerelease only matches through a comparator that names a prerelease of the same tuple.
  return set.some(
    (c) =>
      c.version.prerelease.length > 0 &&
      c.version.major === version.major &&
      c.version.minor === version.minor &&
      c.version.patch === version.patch,
  )
}
