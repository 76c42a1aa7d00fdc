/**
 * Python's `shlex.split(s)` (POSIX mode, no comments): how pre-commit splits a hook's `entry`, pip
 * a requirements line's options and identify a `#!` line. Whitespace separates words; single
 * quotes keep everything; inside double quotes a backslash escapes only `"` and `\` (a shell
 * also escapes `$`, `` ` `` and a newline there, shlex does not); outside quotes it escapes any
 * character. Throws, with shlex's message, on a quote left open or a backslash at the end.
 */
export function shlexSplit(s: string): string[] {
  const out: string[] = []
  let cur = ''
  let inToken = false
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string
    if (c === "'") {
      const end = s.indexOf("'", i + 1)
      if (end < 0) throw new Error(`No closing quotation in ${JSON.stringify(s)}`)
      cur += s.slice(i + 1, end)
      i = end
      inToken = true
    } else if (c === '"') {
      inToken = true
      for (i++; i < s.length && s[i] !== '"'; i++) {
        if (s[i] === '\\' && '\\"'.includes(s[i + 1] ?? '')) i++
        cur += s[i]
      }
      if (i >= s.length) throw new Error(`No closing quotation in ${JSON.stringify(s)}`)
    } else if (c === '\\') {
      if (i + 1 >= s.length) throw new Error(`No escaped character in ${JSON.stringify(s)}`)
      cur += s[++i]
      inToken = true
    } else if (/\s/.test(c)) {
      if (inToken) out.push(cur)
      cur = ''
      inToken = false
    } else {
      cur += c
      inToken = true
    }
  }
  if (inToken) out.push(cur)
  return out
}
