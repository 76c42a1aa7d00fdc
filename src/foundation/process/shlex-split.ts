/**
 * Why `shlexSplit` refused a string: a quote left open (`position` is the opening quote's index)
 * or a backslash at the very end (`position` is its index). The message is shlex's own;
 * `reason` says what is wrong in words a user can act on, `fix` what to change.
 */
export class ShlexSplitError extends Error {
  readonly problem: 'unclosed-quote' | 'trailing-backslash'
  /** 0-based index in the split string of the quote left open or of the final backslash. */
  readonly position: number
  /** What is wrong, e.g. `the " at character 7 is never closed`. */
  readonly reason: string
  /** What to change, e.g. `add the closing " (or escape it as \")`. */
  readonly fix: string

  constructor(s: string, problem: ShlexSplitError['problem'], position: number) {
    super(`${problem === 'unclosed-quote' ? 'No closing quotation' : 'No escaped character'} in ${JSON.stringify(s)}`)
    this.name = 'ShlexSplitError'
    this.problem = problem
    this.position = position
    const quote = s[position] ?? ''
    this.reason =
      problem === 'unclosed-quote'
        ? `the ${quote} at character ${position + 1} is never closed`
        : `it ends in a backslash (character ${position + 1}) that escapes nothing`
    this.fix =
      problem === 'unclosed-quote'
        ? `add the closing ${quote}, or escape the quote as \\${quote} if it is meant literally`
        : 'drop the final backslash, or double it (\\\\) for a literal backslash'
  }
}

/**
 * Python's `shlex.split(s)` (POSIX mode, no comments): how pre-commit splits a hook's `entry`, pip
 * a requirements line's options and identify a `#!` line. Whitespace separates words; single
 * quotes keep everything; inside double quotes a backslash escapes only `"` and `\` (a shell
 * also escapes `$`, `` ` `` and a newline there, shlex does not); outside quotes it escapes any
 * character. Throws a ShlexSplitError, with shlex's message, on a quote left open or a backslash
 * at the end.
 */
export function shlexSplit(s: string): string[] {
  const out: string[] = []
  let cur = ''
  let inToken = false
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string
    if (c === "'") {
      const end = s.indexOf("'", i + 1)
      if (end < 0) throw new ShlexSplitError(s, 'unclosed-quote', i)
      cur += s.slice(i + 1, end)
      i = end
      inToken = true
    } else if (c === '"') {
      const open = i
      inToken = true
      for (i++; i < s.length && s[i] !== '"'; i++) {
        if (s[i] === '\\' && '\\"'.includes(s[i + 1] ?? '')) i++
        cur += s[i]
      }
      if (i >= s.length) throw new ShlexSplitError(s, 'unclosed-quote', open)
    } else if (c === '\\') {
      if (i + 1 >= s.length) throw new ShlexSplitError(s, 'trailing-backslash', i)
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
