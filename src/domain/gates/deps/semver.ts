import { createRequire } from 'node:module'

/**
 * npm ranges through npm's own `semver` (the reference implementation: what npm installs by is
 * what the deps and toolchain gates check by). It replaced a 220-line re-implementation that
 * agreed with it on every range in this repository's lockfile; see the commit for the figures.
 */

type Semver = {
  satisfies: typeof import('semver/functions/satisfies.js')
  validRange: typeof import('semver/ranges/valid.js')
  parse: typeof import('semver/functions/parse.js')
}

const require = createRequire(import.meta.url)
let loaded: Semver | undefined

/**
 * The three functions the gates use, required on first use (only these modules, not semver's
 * index): loading them costs ~10 ms, which a run whose deps, licenses and toolchain results come
 * from the cache (it still imports these gates for their cache inputs) should not pay.
 */
function semver(): Semver {
  loaded ??= {
    satisfies: require('semver/functions/satisfies.js'),
    validRange: require('semver/ranges/valid.js'),
    parse: require('semver/functions/parse.js'),
  }
  return loaded
}

/** True when `text` is an npm range (`^1.2.3`, `>=20.19.0 <21 || >=22.12.0`, `1.x`, `*`); false for tags, URLs, git and file specs. */
export function isRange(text: string): boolean {
  return semver().validRange(text) !== null
}

/** True when `version` satisfies `range` (npm semantics, not loose; prereleases only through a comparator on the same tuple). Bad input → false. */
export function satisfies(version: string, range: string): boolean {
  return semver().satisfies(version, range)
}

/** The major version of a valid (strict) semver string, e.g. `v1.2.3-beta.1` → 1; undefined otherwise. */
export function majorOf(version: string): number | undefined {
  return semver().parse(version)?.major
}
