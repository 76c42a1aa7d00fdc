import { formatVersion, parseVersion } from './pep440-version.ts'

/**
 * Poetry version constraints as PEP 440 specifier sets, one per `||` alternative, following
 * Poetry's documented rules (docs/versions.md, poetry-core's `parse_constraint`):
 * `^1.2.3` → `>=1.2.3,<2.0.0`, `^0.2.3` → `>=0.2.3,<0.3.0`, `^0.0.3` → `>=0.0.3,<0.0.4`,
 * `~1.2.3` → `>=1.2.3,<1.3.0`, `~1` → `>=1,<2.0.0`, `1.2.*` → `==1.2.*`, `*` → any,
 * `1.2.3` and `=1.2.3` → `==1.2.3`; `,` or whitespace joins clauses, `||` separates alternatives.
 * Throws PoetryConstraintError for text Poetry would reject.
 */
export function poetryToPep440(constraint: string): string[] {
  const text = constraint.trim()
  if (text === '' || text === '*') return ['']
  return text.split(/\s*\|\|?\s*/).map((alternative) => alternativeToPep440(alternative, constraint))
}

export class PoetryConstraintError extends Error {
  constructor(readonly constraint: string) {
    super(`not a Poetry version constraint: "${constraint}"`)
    this.name = 'PoetryConstraintError'
  }
}

// --- internal ---

function alternativeToPep440(alternative: string, whole: string): string {
  const clauses: string[] = []
  const re = /(\^|~=|~|===|==|!=|>=|<=|>|<|=)?\s*([^\s,<>=!~^][^\s,]*)/g
  let consumed = 0
  for (const m of alternative.matchAll(re)) {
    // Only separators may sit between clauses.
    if (!/^[\s,]*$/.test(alternative.slice(consumed, m.index))) throw new PoetryConstraintError(whole)
    consumed = m.index + m[0].length
    clauses.push(...clauseToPep440(m[1] ?? '', m[2]!, whole))
  }
  if (!/^[\s,]*$/.test(alternative.slice(consumed))) throw new PoetryConstraintError(whole)
  return clauses.filter(Boolean).join(',')
}

function clauseToPep440(op: string, version: string, whole: string): string[] {
  if (version === '*' && (op === '' || op === '==' || op === '=')) return ['']
  const wildcard = /^v?(\d+(?:\.\d+)*)((?:\.[xX*])+)$/.exec(version)
  if (wildcard && (op === '' || op === '==' || op === '=' || op === '!=')) {
    return [`${op === '!=' ? '!=' : '=='}${wildcard[1]}.*`]
  }
  const v = parseVersion(version)
  if (!v) throw new PoetryConstraintError(whole)
  const normal = formatVersion(v)
  switch (op) {
    case '^':
      return [`>=${normal}`, `<${nextBreaking(v.release)}`]
    case '~':
      return [`>=${normal}`, `<${v.release.length === 1 ? bump(v.release, 0) : bump(v.release, 1)}`]
    case '':
    case '=':
      return [`==${normal}`]
    default:
      return [`${op}${normal}`]
  }
}

/** poetry-core's `next_breaking`: the first major, minor or patch that may break, by the leftmost non-zero part. */
function nextBreaking(release: bigint[]): string {
  const [major = 0n, minor, patch] = release
  if (major > 0n || minor === undefined) return bump(release, 0)
  if (minor > 0n || patch === undefined) return bump(release, 1)
  return bump(release, 2)
}

/** The release with part `index` incremented and the rest zeroed, at least three parts: `bump([0, 2, 3], 1)` → `0.3.0`. */
function bump(release: bigint[], index: number): string {
  const parts = Array.from({ length: Math.max(3, index + 1) }, (_, i) =>
    i < index ? (release[i] ?? 0n) : i === index ? (release[i] ?? 0n) + 1n : 0n,
  )
  return parts.join('.')
}
