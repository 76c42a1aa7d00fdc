import {
  compareVersions,
  formatVersion,
  isPostrelease,
  isPrerelease,
  PY_WS,
  PY_WS_CHARS,
  parseVersion,
  publicVersion,
  type Version,
} from './pep440-version.ts'

/**
 * PEP 440 version specifiers, ported from `packaging.specifiers` (26.x): `==`, `!=`, `<=`, `>=`,
 * `<`, `>`, `~=`, `===`, prefix matches (`==1.2.*`, `!=1.2.*`), and its pre-release rules.
 */
export type Operator = '~=' | '==' | '!=' | '<=' | '>=' | '<' | '>' | '==='

/** One clause, e.g. `>=1.2`; `version` is the text after the operator, stripped (as packaging keeps it). */
export interface Specifier {
  operator: Operator
  version: string
}

/** A comma-separated set of clauses; all must hold. `prereleases` is packaging's explicit override. */
export interface SpecifierSet {
  specifiers: Specifier[]
  prereleases?: boolean
}

/** Raised for text that `packaging` rejects with InvalidSpecifier. */
export class InvalidSpecifierError extends Error {
  constructor(readonly text: string) {
    super(`Invalid specifier: '${text}'`)
    this.name = 'InvalidSpecifierError'
  }
}

/** The specifier regex of packaging, unanchored (PEP 508 parsing reuses it); case-insensitive; `\\s` is Python's. */
export const SPECIFIER_PATTERN = (
  `(?:===\\s*[^${PY_WS_CHARS};)]*` +
  '|(?:==|!=)\\s*v?(?:[0-9]+!)?[0-9]+(?:\\.[0-9]+)*' +
  '(?:\\.\\*|(?:[-_.]?(?:alpha|beta|preview|pre|a|b|c|rc)[-_.]?[0-9]*)?' +
  '(?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?(?:[-_.]?dev[-_.]?[0-9]*)?(?:\\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?)' +
  '|~=\\s*v?(?:[0-9]+!)?[0-9]+(?:\\.[0-9]+)+(?:[-_.]?(?:alpha|beta|preview|pre|a|b|c|rc)[-_.]?[0-9]*)?' +
  '(?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?(?:[-_.]?dev[-_.]?[0-9]*)?' +
  '|(?:<=|>=|<|>)\\s*v?(?:[0-9]+!)?[0-9]+(?:\\.[0-9]+)*(?:[-_.]?(?:alpha|beta|preview|pre|a|b|c|rc)[-_.]?[0-9]*)?' +
  '(?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?(?:[-_.]?dev[-_.]?[0-9]*)?)'
).replaceAll('\\s', PY_WS)

/** Parses one clause as `Specifier(text)` does. Throws InvalidSpecifierError. */
export function parseSpecifier(text: string): Specifier {
  if (!SPECIFIER_RE.test(text)) throw new InvalidSpecifierError(text)
  const spec = pyStrip(text)
  const opLength = spec.startsWith('===') ? 3 : /^(?:~=|==|!=|<=|>=)/.test(spec) ? 2 : 1
  const specifier = { operator: spec.slice(0, opLength) as Operator, version: pyStrip(spec.slice(opLength)) }
  // packaging asserts the version parses for every operator but ===; its regexes guarantee it.
  if (specifier.operator !== '===' && !specifier.version.endsWith('.*') && !parseVersion(specifier.version)) {
    throw new InvalidSpecifierError(text)
  }
  return specifier
}

/** Parses `>=1.0, <2` (empty text: no clauses) as `SpecifierSet(text)` does. Throws InvalidSpecifierError. */
export function parseSpecifierSet(text: string, prereleases?: boolean): SpecifierSet {
  const specifiers = text
    .split(',')
    .map(pyStrip)
    .filter((s) => s !== '')
    .map(parseSpecifier)
  return prereleases === undefined ? { specifiers } : { specifiers, prereleases }
}

/** `str(SpecifierSet)`: clauses sorted as strings, equal ones (`>=1.0` and `>=1.0.0`) once. */
export function formatSpecifierSet(set: SpecifierSet): string {
  const seen = new Set<string>()
  const out: string[] = []
  for (const s of [...set.specifiers].sort((a, b) => pyCompare(formatSpecifier(a), formatSpecifier(b)))) {
    const key = canonicalSpec(s)
    if (seen.has(key)) continue
    seen.add(key)
    out.push(formatSpecifier(s))
  }
  return out.join(',')
}

export function formatSpecifier(s: Specifier): string {
  return `${s.operator}${s.version}`
}

/**
 * packaging's `Specifier.prereleases` when not overridden: false for `!=` and `==X.*`, unknown for an
 * unparsable `===`, else whether the clause's version is a pre-release.
 */
export function specifierPrereleases(s: Specifier): boolean | undefined {
  if (s.operator === '!=') return false
  if (s.operator === '==' && s.version.endsWith('.*')) return false
  const v = parseVersion(s.version)
  return v ? isPrerelease(v) : undefined
}

/** `SpecifierSet.prereleases`: the override, else true when a clause names a pre-release, else unknown. */
export function setPrereleases(set: SpecifierSet): boolean | undefined {
  if (set.prereleases !== undefined) return set.prereleases
  if (set.specifiers.length === 0) return undefined
  return set.specifiers.some((s) => specifierPrereleases(s)) ? true : undefined
}

/** Whether one clause matches a version, ignoring pre-release policy (packaging's `_compare_*`). */
export function matchesSpecifier(s: Specifier, v: Version): boolean {
  switch (s.operator) {
    case '~=':
      return compareCompatible(v, s.version)
    case '==':
      return compareEqual(v, s.version)
    case '!=':
      return !compareEqual(v, s.version)
    case '<=':
      return compareVersions(publicVersion(v), specVersion(s.version)) <= 0
    case '>=':
      return compareVersions(publicVersion(v), specVersion(s.version)) >= 0
    case '<':
      return compareLessThan(v, specVersion(s.version))
    case '>':
      return compareGreaterThan(v, specVersion(s.version))
    case '===':
      return pyLower(formatVersion(v)) === pyLower(s.version)
  }
}

/**
 * `SpecifierSet.contains(item, prereleases)`: every clause matches. A pre-release is excluded only
 * when pre-releases are off (the `prereleases` argument, else the set's override); with the default,
 * a lone pre-release is in (PEP 440: "accept pre-releases when there is nothing else"). `===` compares
 * the item's text as given; a string that is not a version can only match `===`.
 */
export function setContains(
  set: SpecifierSet,
  item: string | Version,
  options: { prereleases?: boolean; installed?: boolean } = {},
): boolean {
  const text = typeof item === 'string' ? item : formatVersion(item)
  const v = typeof item === 'string' ? parseVersion(item) : item
  let prereleases = options.prereleases
  if (v && options.installed && isPrerelease(v)) prereleases = true
  if (prereleases === undefined) prereleases = setPrereleases(set)
  return matchesAll(set, text, v, prereleases === false)
}

/**
 * `SpecifierSet.filter(items, prereleases)`: the matching items in order; with no decision on
 * pre-releases, pre-releases are dropped when any final release matched.
 */
export function filterVersions(set: SpecifierSet, items: readonly string[], prereleases?: boolean): string[] {
  const decided = prereleases ?? setPrereleases(set)
  const matched = items.filter((item) => matchesAll(set, item, parseVersion(item), decided === false))
  if (decided !== undefined) return matched
  const hasFinal = matched.some((item) => {
    const v = parseVersion(item)
    return v !== undefined && !isPrerelease(v)
  })
  return hasFinal
    ? matched.filter((item) => {
        const v = parseVersion(item)
        return v === undefined || !isPrerelease(v)
      })
    : matched
}

// --- internal ---

const SPECIFIER_RE = new RegExp(`^${PY_WS}*${SPECIFIER_PATTERN}${PY_WS}*$`, 'i')
const PY_WS_RE = new RegExp(`^${PY_WS}+|${PY_WS}+$`, 'g')

function matchesAll(set: SpecifierSet, text: string, v: Version | undefined, noPrereleases: boolean): boolean {
  if (set.specifiers.length === 0) return !(noPrereleases && v && isPrerelease(v))
  if (!v) return set.specifiers.every((s) => s.operator === '===' && pyLower(text) === pyLower(s.version))
  if (noPrereleases && isPrerelease(v)) return false
  return set.specifiers.every((s) =>
    s.operator === '===' ? pyLower(text) === pyLower(s.version) : matchesSpecifier(s, v),
  )
}

function specVersion(text: string): Version {
  const v = parseVersion(text)
  if (!v) throw new InvalidSpecifierError(text)
  return v
}

// ~=V is >=V together with ==P.* where P is V's release without its last part (suffixes ignored).
function compareCompatible(v: Version, spec: string): boolean {
  const prefix = versionJoin(takeWhile(versionSplit(spec), isNotSuffix).slice(0, -1))
  return compareVersions(publicVersion(v), specVersion(spec)) >= 0 && compareEqual(v, `${prefix}.*`)
}

function compareEqual(v: Version, spec: string): boolean {
  if (spec.endsWith('.*')) {
    const splitSpec = versionSplit(canonicalizeVersion(spec.slice(0, -2)))
    const numericLength = numericPrefixLength(splitSpec)
    const prospective = leftPad(versionSplit(formatVersion(publicVersion(v))), numericLength)
    const shortened = prospective.slice(0, splitSpec.length)
    return shortened.length === splitSpec.length && shortened.every((part, i) => part === splitSpec[i])
  }
  const sv = specVersion(spec)
  return compareVersions(sv.local ? v : publicVersion(v), sv) === 0
}

function compareLessThan(v: Version, spec: Version): boolean {
  if (compareVersions(v, spec) >= 0) return false
  // "<V MUST NOT allow a pre-release of the specified version unless the specified version is itself a pre-release."
  if (!isPrerelease(spec) && isPrerelease(v) && compareVersions(v, earliestPrerelease(spec)) >= 0) return false
  return true
}

function compareGreaterThan(v: Version, spec: Version): boolean {
  if (compareVersions(v, spec) <= 0) return false
  // ">V MUST NOT allow a post-release of the specified version unless the specified version is itself a post-release."
  if (!isPostrelease(spec) && isPostrelease(v) && compareVersions(postBase(v), spec) === 0) return false
  // ">V MUST NOT match a local version of the specified version."
  if (v.local && compareVersions(publicVersion(v), spec) === 0) return false
  return true
}

function earliestPrerelease(v: Version): Version {
  const { local: _, ...rest } = v
  return { ...rest, dev: 0n }
}

function postBase(v: Version): Version {
  const { post: _p, dev: _d, local: _l, ...rest } = v
  return rest
}

// packaging's canonicalize_version(text, strip_trailing_zero=False): invalid text comes back unchanged.
function canonicalizeVersion(text: string): string {
  const v = parseVersion(text)
  return v ? formatVersion(v) : text
}

// packaging's _version_split: epoch first, then the dot-separated parts, `1rc1` split as `1`, `rc1`.
function versionSplit(text: string): string[] {
  const bang = text.lastIndexOf('!')
  const result = [bang === -1 ? '0' : text.slice(0, bang) || '0']
  for (const item of text.slice(bang + 1).split('.')) {
    const m = /^([0-9]+)((?:a|b|c|rc)[0-9]+)$/.exec(item)
    if (m) result.push(m[1]!, m[2]!)
    else result.push(item)
  }
  return result
}

function versionJoin(parts: string[]): string {
  const [epoch, ...rest] = parts
  return `${epoch}!${rest.join('.')}`
}

function isNotSuffix(segment: string): boolean {
  return !['dev', 'a', 'b', 'rc', 'post'].some((prefix) => segment.startsWith(prefix))
}

function takeWhile<T>(items: T[], keep: (item: T) => boolean): T[] {
  const end = items.findIndex((item) => !keep(item))
  return end === -1 ? items : items.slice(0, end)
}

function numericPrefixLength(parts: string[]): number {
  const end = parts.findIndex((p) => !/^[0-9]+$/.test(p))
  return end === -1 ? parts.length : end
}

function leftPad(parts: string[], target: number): string[] {
  const numeric = numericPrefixLength(parts)
  if (target <= numeric) return parts
  return [...parts.slice(0, numeric), ...Array<string>(target - numeric).fill('0'), ...parts.slice(numeric)]
}

function canonicalSpec(s: Specifier): string {
  if (s.operator === '===' || s.version.endsWith('.*')) return `${s.operator}${s.version}`
  const v = specVersion(s.version)
  if (s.operator === '~=') return `${s.operator}${formatVersion(v)}`
  let end = v.release.length
  while (end > 1 && v.release[end - 1] === 0n) end--
  return `${s.operator}${formatVersion({ ...v, release: v.release.slice(0, end) })}`
}

/** Python's str.strip() on the whitespace its `\s` knows. */
function pyStrip(text: string): string {
  return text.replace(PY_WS_RE, '')
}

/** Python's str.lower(); toLowerCase() applies the same Unicode default case mapping. */
function pyLower(text: string): string {
  return text.toLowerCase()
}

function pyCompare(a: string, b: string): number {
  // Python compares code points; JS's < compares UTF-16 units. They agree outside surrogate pairs.
  return a < b ? -1 : a > b ? 1 : 0
}
