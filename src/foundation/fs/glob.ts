/**
 * Glob matching for allowlists and excludes, on repo-relative POSIX paths. `**` spans folders,
 * `*` and `?` stay inside one segment, `{a,b}` alternates, `[abc]` is a class. A pattern with no
 * `/` matches the file name at any depth (as in .gitignore); a trailing `/` matches a folder's
 * contents.
 */
export function globToRegExp(pattern: string): RegExp {
  let p = pattern.startsWith('./') ? pattern.slice(2) : pattern
  if (p.endsWith('/')) p += '**'
  const anyDepth = !p.includes('/')
  let out = ''
  let braces = 0
  for (let i = 0; i < p.length; i++) {
    const c = p[i] as string
    if (c === '*') {
      if (p[i + 1] === '*') {
        const slashAfter = p[i + 2] === '/'
        out += slashAfter ? '(?:.*/)?' : '.*'
        i += slashAfter ? 2 : 1
      } else {
        out += '[^/]*'
      }
    } else if (c === '?') {
      out += '[^/]'
    } else if (c === '{') {
      braces++
      out += '(?:'
    } else if (c === '}' && braces > 0) {
      braces--
      out += ')'
    } else if (c === ',' && braces > 0) {
      out += '|'
    } else if (c === '[') {
      const end = p.indexOf(']', i + 1)
      if (end === -1) {
        out += '\\['
      } else {
        const body = p.slice(i + 1, end).replace(/\\/g, '\\\\')
        out += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`
        i = end
      }
    } else {
      out += c.replace(/[.+^$()|\\]/g, '\\$&')
    }
  }
  return new RegExp(`^${anyDepth ? '(?:.*/)?' : ''}${out}$`)
}

/** A predicate that is true when a path matches any of the globs. */
export function globMatcher(patterns: readonly string[]): (path: string) => boolean {
  if (patterns.length === 0) return () => false
  const regexps = patterns.map(globToRegExp)
  return (path) => regexps.some((r) => r.test(path))
}
