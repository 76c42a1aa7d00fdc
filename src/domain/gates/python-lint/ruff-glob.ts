/**
 * A glob as ruff compiles it (Rust's `globset` with default options), as a RegExp over a whole
 * path: `*` and `?` also match `/` (globset's `literal_separator` is off); a leading `**` plus
 * slash matches any leading folders, slash `**` slash inside matches zero or more folders, a
 * trailing slash `**` everything below; `{a,b}` alternates, `[ab]` and `[!ab]` are classes and
 * a backslash escapes the next character.
 */
export function ruffGlob(pattern: string): RegExp {
  let out = ''
  let depth = 0
  let i = 0
  while (i < pattern.length) {
    const c = pattern[i] as string
    if (c === '*' && pattern[i + 1] === '*') {
      const atStart = i === 0 || pattern[i - 1] === '/'
      const after = pattern[i + 2]
      if (atStart && after === '/') {
        // `**/` at the start, or `/**/` inside: zero or more whole folders.
        out += i === 0 ? '(?:/?|.*/)' : '(?:|.*/)'
        i += 3
        continue
      }
      out += '.*'
      i += 2
      continue
    }
    if (c === '*') out += '.*'
    else if (c === '?') out += '.'
    else if (c === '\\' && i + 1 < pattern.length) {
      i++
      out += escapeRegExp(pattern[i] as string)
    } else if (c === '{') {
      depth++
      out += '(?:'
    } else if (c === '}' && depth > 0) {
      depth--
      out += ')'
    } else if (c === ',' && depth > 0) out += '|'
    else if (c === '[') {
      const end = classEnd(pattern, i)
      if (end === -1) out += '\\['
      else {
        let body = pattern.slice(i + 1, end)
        const negated = body.startsWith('!') || body.startsWith('^')
        if (negated) body = body.slice(1)
        out += `[${negated ? '^' : ''}${body.replace(/[\\\]^]/g, (m) => `\\${m}`)}]`
        i = end
      }
    } else out += escapeRegExp(c)
    i++
  }
  if (depth > 0) throw new Error(`unclosed alternate group "{" in glob ${JSON.stringify(pattern)}`)
  return new RegExp(`^${out}$`, 's')
}

/** `path` with glob metacharacters escaped, so it matches only itself inside a larger glob. */
export function escapeGlob(path: string): string {
  return path.replace(/[*?[\]{}\\]/g, (m) => `[${m}]`)
}

// --- internal ---

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/-]/g, (m) => `\\${m}`)
}

/** Index of the `]` closing the class opened at `start` (a `]` right after `[` or `[!` is literal). */
function classEnd(pattern: string, start: number): number {
  let j = start + 1
  if (pattern[j] === '!' || pattern[j] === '^') j++
  if (pattern[j] === ']') j++
  return pattern.indexOf(']', j)
}
