import { isRange, satisfies } from '../deps/semver.ts'
import { InvalidSpecifierError, parseSpecifierSet, setContains } from '../python-deps/pep440-specifier.ts'
import { parseVersion } from '../python-deps/pep440-version.ts'

/** Which grammar a tool's range is written in. */
export type RangeKind = 'semver' | 'pep440'

/**
 * The grammar of a range: PEP 440 when it uses what only PEP 440 has (`,` between clauses, `~=`,
 * `==`, `!=`, `===`), else npm's semver (`>=20.19`, `^3.10`, `>=12 <14`, `*`). `>=3.10` reads the
 * same in both. Undefined when it is neither.
 */
export function rangeKind(range: string): RangeKind | undefined {
  const text = range.trim()
  if (PEP440_ONLY.test(text)) {
    try {
      parseSpecifierSet(text)
      return 'pep440'
    } catch (error) {
      if (error instanceof InvalidSpecifierError) return undefined
      throw error
    }
  }
  return isRange(text) ? 'semver' : undefined
}

/**
 * True when the version a tool printed is within `range`. semver ranges compare the first three
 * numbers (`3.11` is `3.11.0`; a suffix like `rc1` is dropped, as tools print it inconsistently);
 * PEP 440 ranges compare the version as printed, pre-releases included when it is one.
 */
export function versionInRange(version: string, range: string): boolean {
  const kind = rangeKind(range)
  if (kind === 'pep440') {
    const parsed = parseVersion(version)
    // `installed`: the version is what is there, so a pre-release counts (packaging's installed check).
    return parsed !== undefined && setContains(parseSpecifierSet(range.trim()), parsed, { installed: true })
  }
  if (kind === 'semver') {
    const plain = toSemver(version)
    return plain !== undefined && satisfies(plain, range.trim())
  }
  return false
}

/** `3.11` → `3.11.0`, `13.0.88` → `13.0.88`, `550.54.15.1` → `550.54.15`, `3.13.0rc1` → `3.13.0`. */
export function toSemver(version: string): string | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(version.trim())
  if (!m) return undefined
  return `${Number(m[1])}.${Number(m[2])}.${Number(m[3] ?? 0)}`
}

// --- internal ---

const PEP440_ONLY = /,|~=|==|!=/
