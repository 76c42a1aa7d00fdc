/**
 * PEP 440 versions, ported from `packaging.version` (26.x): the same accepted spellings, the
 * same normalisation (`str(Version(...))`) and the same ordering (`_cmpkey`). Numbers are
 * bigints because Python's are unbounded (`1.0.99999999999999999999` is a valid version).
 */
export interface Version {
  epoch: bigint
  release: bigint[]
  pre?: { label: 'a' | 'b' | 'rc'; n: bigint }
  post?: bigint
  dev?: bigint
  /** Local segments, lowercased; all-digit segments are numbers (`+ubuntu.1` → ['ubuntu', 1n]). */
  local?: (string | bigint)[]
}

/** Parses a version as `packaging.version.Version(text)` does; undefined where it raises InvalidVersion. */
export function parseVersion(text: string): Version | undefined {
  const m = VERSION_RE.exec(text)
  if (!m) return undefined
  const [, epoch, release, preLabel, preN, postN1, postLabel, postN2, devLabel, devN, local] = m
  const version: Version = {
    epoch: epoch ? BigInt(epoch) : 0n,
    release: release!.split('.').map((p) => BigInt(p)),
  }
  if (preLabel) version.pre = { label: PRE_LABELS[preLabel.toLowerCase()]!, n: BigInt(preN || 0) }
  if (postLabel || postN1) version.post = BigInt(postN1 || postN2 || 0)
  if (devLabel) version.dev = BigInt(devN || 0)
  if (local) version.local = local.split(/[._-]/).map((p) => (/^[0-9]+$/.test(p) ? BigInt(p) : p.toLowerCase()))
  return version
}

/** The normalised form, `str(Version(text))`: `1.0-RC.1` → `1.0rc1`, `v1!2.0-r` → `1!2.0.post0`. */
export function formatVersion(v: Version): string {
  let out = v.release.join('.')
  if (v.epoch) out = `${v.epoch}!${out}`
  if (v.pre) out += `${v.pre.label}${v.pre.n}`
  if (v.post !== undefined) out += `.post${v.post}`
  if (v.dev !== undefined) out += `.dev${v.dev}`
  if (v.local) out += `+${v.local.join('.')}`
  return out
}

/** The normalised form of a version string, or undefined when it is not a PEP 440 version. */
export function normalizeVersion(text: string): string | undefined {
  const v = parseVersion(text)
  return v ? formatVersion(v) : undefined
}

/** -1, 0 or 1, as Python compares two `Version`s (`1.0 == 1.0.0`, `1.0.dev0 < 1.0a0 < 1.0 < 1.0.post0`). */
export function compareVersions(a: Version, b: Version): -1 | 0 | 1 {
  return compareKeys(cmpKey(a), cmpKey(b))
}

/** A pre-release: has a dev or pre segment (`1.0rc1`, `1.0.dev0`, `1.0.post1.dev1`). */
export function isPrerelease(v: Version): boolean {
  return v.dev !== undefined || v.pre !== undefined
}

export function isPostrelease(v: Version): boolean {
  return v.post !== undefined
}

/** The version without its local segment (`1.0+cu121` → `1.0`). */
export function publicVersion(v: Version): Version {
  if (!v.local) return v
  const { local: _, ...rest } = v
  return rest
}

/** True when the version has no pre, post, dev or local part. */
export function isFinalRelease(v: Version): boolean {
  return !v.pre && v.post === undefined && v.dev === undefined && !v.local
}

// --- internal ---

const PRE_LABELS: Record<string, 'a' | 'b' | 'rc'> = {
  a: 'a',
  alpha: 'a',
  b: 'b',
  beta: 'b',
  c: 'rc',
  rc: 'rc',
  pre: 'rc',
  preview: 'rc',
}

/** The characters of Python's `\s` for str patterns (JS's differs: it has U+FEFF, lacks U+001C–U+001F and U+0085). */
export const PY_WS_CHARS =
  '\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000'
export const PY_WS = `[${PY_WS_CHARS}]`

// VERSION_PATTERN of packaging.version; its possessive quantifiers change no accepted string here
// (nothing after the release or a pre segment can start the way they end), as the reference table checks.
const VERSION_BODY =
  'v?(?:([0-9]+)!)?([0-9]+(?:\\.[0-9]+)*)' +
  '(?:[._-]?(alpha|a|beta|b|preview|pre|c|rc)[._-]?([0-9]+)?)?' +
  '(?:-([0-9]+)|[._-]?(post|rev|r)[._-]?([0-9]+)?)?' +
  '(?:[._-]?(dev)[._-]?([0-9]+)?)?' +
  '(?:\\+([a-z0-9]+(?:[._-][a-z0-9]+)*))?'
const VERSION_RE = new RegExp(`^${PY_WS}*${VERSION_BODY}${PY_WS}*$`, 'i')

type Key = [bigint, bigint[], bigint[], [bigint, string][] | undefined]

// packaging's _cmpkey: trailing zeros trimmed; suffix (pre_rank, pre_n, post_rank, post_n,
// dev_rank, dev_n) with dev-only releases before a0 and finals after rc; no local < any local.
function cmpKey(v: Version): Key {
  let end = v.release.length
  while (end > 0 && v.release[end - 1] === 0n) end--
  const release = v.release.slice(0, end)
  let preRank: bigint
  let preN = 0n
  if (!v.pre && v.post === undefined && v.dev !== undefined) preRank = -1n
  else if (!v.pre) preRank = 3n
  else {
    preRank = v.pre.label === 'a' ? 0n : v.pre.label === 'b' ? 1n : 2n
    preN = v.pre.n
  }
  const suffix = [
    preRank,
    preN,
    v.post === undefined ? 0n : 1n,
    v.post ?? 0n,
    v.dev === undefined ? 1n : 0n,
    v.dev ?? 0n,
  ]
  // Strings sort before numbers: (-1, s) against (n, '').
  const local = v.local?.map((seg): [bigint, string] => (typeof seg === 'bigint' ? [seg, ''] : [-1n, seg]))
  return [v.epoch, release, suffix, local]
}

function compareKeys(a: Key, b: Key): -1 | 0 | 1 {
  return (
    cmp(a[0], b[0]) ||
    compareSeq(a[1], b[1], cmp) ||
    compareSeq(a[2], b[2], cmp) ||
    (a[3] === undefined
      ? b[3] === undefined
        ? 0
        : -1
      : b[3] === undefined
        ? 1
        : compareSeq(a[3], b[3], (x, y) => cmp(x[0], y[0]) || cmp(x[1], y[1])))
  )
}

function compareSeq<T>(a: readonly T[], b: readonly T[], compare: (x: T, y: T) => -1 | 0 | 1): -1 | 0 | 1 {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compare(a[i]!, b[i]!)
    if (c) return c
  }
  return cmp(a.length, b.length)
}

function cmp<T extends bigint | number | string>(a: T, b: T): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0
}
