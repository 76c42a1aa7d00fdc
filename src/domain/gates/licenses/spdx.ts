/**
 * SPDX license expressions: `MIT`, `(MIT OR Apache-2.0)`, `GPL-2.0-only WITH Classpath-exception-2.0`,
 * `A AND (B OR C)`. WITH binds tightest, then AND, then OR.
 */
export type SpdxNode =
  | { type: 'license'; id: string; exception?: string }
  | { type: 'and' | 'or'; left: SpdxNode; right: SpdxNode }

/** Parses an expression; undefined when it is not one (e.g. `SEE LICENSE IN LICENSE.md`). */
export function parseSpdx(text: string): SpdxNode | undefined {
  const tokens = text.match(/\(|\)|[A-Za-z0-9.+:-]+/g)
  if (!tokens || tokens.join('') !== text.replace(/\s+/g, '')) return undefined
  let i = 0
  const peek = () => tokens[i]
  const parseOr = (): SpdxNode | undefined => {
    let left = parseAnd()
    while (left && peek()?.toUpperCase() === 'OR') {
      i++
      const right = parseAnd()
      if (!right) return undefined
      left = { type: 'or', left, right }
    }
    return left
  }
  const parseAnd = (): SpdxNode | undefined => {
    let left = parseAtom()
    while (left && peek()?.toUpperCase() === 'AND') {
      i++
      const right = parseAtom()
      if (!right) return undefined
      left = { type: 'and', left, right }
    }
    return left
  }
  const parseAtom = (): SpdxNode | undefined => {
    const t = tokens[i++]
    if (t === undefined) return undefined
    if (t === '(') {
      const inner = parseOr()
      if (tokens[i++] !== ')') return undefined
      return inner
    }
    if (t === ')' || /^(?:AND|OR|WITH)$/i.test(t)) return undefined
    if (peek()?.toUpperCase() === 'WITH') {
      i++
      const exception = tokens[i++]
      if (!exception || exception === '(' || exception === ')') return undefined
      return { type: 'license', id: t, exception }
    }
    return { type: 'license', id: t }
  }
  const tree = parseOr()
  return tree && i === tokens.length ? tree : undefined
}

/** True when the expression is satisfiable with allowed licenses (OR: either side; AND: both). */
export function spdxAllowed(node: SpdxNode, allowed: ReadonlySet<string>): boolean {
  if (node.type === 'license') return allowed.has(node.id) || allowed.has(node.id.replace(/\+$/, ''))
  if (node.type === 'and') return spdxAllowed(node.left, allowed) && spdxAllowed(node.right, allowed)
  return spdxAllowed(node.left, allowed) || spdxAllowed(node.right, allowed)
}
