/**
 * Linear-time pieces of the Markdown link reader. Each runs in time proportional to the line,
 * whatever it holds: 100 KB of `[`, `](`, `<a` or backticks costs no more per byte than prose
 * (the old scanner searched forward from every `[` and every `<`: quadratic, 20 s for 100 KB).
 */

/** CommonMark lets implementations cap parenthesis nesting in a destination; cmark uses 32. */
export const MAX_PAREN_DEPTH = 32

/**
 * For every unescaped `[` in `line`, the index of its matching `]` (nested pairs balance), or -1.
 * One pass with a stack; other positions hold -1.
 */
export function matchBrackets(line: string): Int32Array {
  const match = new Int32Array(line.length).fill(-1)
  const stack: number[] = []
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i)
    if (c === 92 /* \ */) {
      i++
      continue
    }
    if (c === 91 /* [ */) stack.push(i)
    else if (c === 93 /* ] */ && stack.length > 0) match[stack.pop() as number] = i
  }
  return match
}

/**
 * Code spans as [start, end) ranges: a run of n backticks opens a span that the next run of
 * exactly n backticks closes (CommonMark). One pass over the runs, with per-length queues.
 */
export function codeSpanRanges(line: string): [number, number][] {
  const runs: { at: number; length: number }[] = []
  for (let i = line.indexOf('`'); i !== -1; ) {
    let j = i
    while (line[j] === '`') j++
    if (!isEscaped(line, i)) runs.push({ at: i, length: j - i })
    i = line.indexOf('`', j)
  }
  // For each run length, the positions (indexes into runs) in order, consumed from the front.
  const byLength = new Map<number, number[]>()
  runs.forEach((run, k) => {
    const list = byLength.get(run.length)
    if (list) list.push(k)
    else byLength.set(run.length, [k])
  })
  const heads = new Map<number, number>()
  const ranges: [number, number][] = []
  let k = 0
  while (k < runs.length) {
    const run = runs[k] as { at: number; length: number }
    const list = byLength.get(run.length) as number[]
    let head = heads.get(run.length) ?? 0
    while (head < list.length && (list[head] as number) <= k) head++
    heads.set(run.length, head)
    if (head >= list.length) {
      k++ // no closer of this length: the backticks are literal
      continue
    }
    const closer = list[head] as number
    const end = runs[closer] as { at: number; length: number }
    ranges.push([run.at, end.at + end.length])
    k = closer + 1
  }
  return ranges
}

/** `line` with code spans replaced by spaces (same length), so links inside them are ignored. */
export function blankCodeSpans(line: string): string {
  if (!line.includes('`')) return line
  const ranges = codeSpanRanges(line)
  if (ranges.length === 0) return line
  // One UTF-16 copy with the spans overwritten: thousands of tiny string pieces cost GC time.
  const units = new Uint16Array(line.length)
  for (let i = 0; i < line.length; i++) units[i] = line.charCodeAt(i)
  for (const [start, end] of ranges) units.fill(32, start, end)
  return Buffer.from(units.buffer, units.byteOffset, units.byteLength).toString('utf16le')
}

/**
 * HTML comments in one line, blanked: `<!-- … -->` pairs become spaces; an unclosed `<!--`
 * blanks the rest of the line and reports that a comment is open.
 */
export function blankComments(line: string): { line: string; open: boolean } {
  let out = ''
  let from = 0
  for (;;) {
    const start = line.indexOf('<!--', from)
    if (start === -1) return { line: out + line.slice(from), open: false }
    const end = line.indexOf('-->', start + 4)
    if (end === -1) return { line: out + line.slice(from, start), open: true }
    out += line.slice(from, start) + ' '.repeat(end + 3 - start)
    from = end + 3
  }
}

/**
 * Candidate HTML tags and autolinks: each `<…>` with no `<` inside, left to right, never
 * overlapping (from the last `<` before a `>` to that `>`), and a tag still open at the end of
 * the line (`<a class="…" href="x"` with its `>` on the next line). One pass.
 */
export function angleSpans(line: string): string[] {
  const spans: string[] = []
  let open = -1
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i)
    if (c === 60 /* < */) open = i
    else if (c === 62 /* > */ && open !== -1) {
      spans.push(line.slice(open, i + 1))
      open = -1
    }
  }
  if (open !== -1) spans.push(line.slice(open))
  return spans
}

/**
 * An inline link's destination starting at the `(` at `paren`: `(<dest> "title")` or
 * `(dest "title")`; undefined when it is not one. `<…>` stops at a `<` or `>`; a bare destination
 * stops at whitespace or an unbalanced `)`, and gives up past {@link MAX_PAREN_DEPTH} nested `(`.
 */
export function inlineDestination(line: string, paren: number): string | undefined {
  let i = paren + 1
  while (line[i] === ' ' || line[i] === '\t') i++
  if (line[i] === '<') {
    for (let j = i + 1; j < line.length; j++) {
      const c = line[j]
      if (c === '\\') {
        j++
        continue
      }
      if (c === '>') return line.slice(i + 1, j)
      if (c === '<') return undefined
    }
    return undefined
  }
  let depth = 0
  const startAt = i
  for (; i < line.length; i++) {
    const c = line[i] as string
    if (c === '\\') {
      i++
      continue
    }
    if (c === ' ' || c === '\t') break
    if (c === '(') {
      if (++depth > MAX_PAREN_DEPTH) return undefined
    } else if (c === ')') {
      if (depth === 0) break
      depth--
    }
  }
  if (i >= line.length) return undefined
  return line.slice(startAt, i)
}

/** True when the character at `i` is escaped by an odd number of backslashes. */
export function isEscaped(line: string, i: number): boolean {
  let backslashes = 0
  for (let j = i - 1; j >= 0 && line[j] === '\\'; j--) backslashes++
  return backslashes % 2 === 1
}
