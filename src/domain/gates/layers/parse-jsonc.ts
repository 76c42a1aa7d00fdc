/**
 * JSON with comments and trailing commas (tsconfig.json's dialect): comments and the commas
 * before `}`/`]` are blanked outside strings, then JSON.parse. Throws JSON.parse's SyntaxError.
 */
export function parseJsonc(text: string): unknown {
  let out = ''
  let from = 0
  let i = 0
  const n = text.length
  // Index in `out` of a comma not yet followed by anything but space/comments.
  let pendingComma = -1
  while (i < n) {
    const c = text.charCodeAt(i)
    if (c === 34) {
      let j = i + 1
      while (j < n && text.charCodeAt(j) !== 34) j += text.charCodeAt(j) === 92 ? 2 : 1
      i = j + 1
      pendingComma = -1
    } else if (c === 47 && (text.charCodeAt(i + 1) === 47 || text.charCodeAt(i + 1) === 42)) {
      const end = text.charCodeAt(i + 1) === 47 ? text.indexOf('\n', i) : text.indexOf('*/', i + 2) + 2
      const stop = end <= 1 || end === -1 ? n : end
      out += text.slice(from, i)
      from = stop
      i = stop
    } else if (c === 44) {
      out += text.slice(from, i)
      pendingComma = out.length
      out += ','
      from = i + 1
      i++
    } else if (c === 125 || c === 93) {
      if (pendingComma >= 0) {
        out += text.slice(from, i)
        out = `${out.slice(0, pendingComma)} ${out.slice(pendingComma + 1)}`
        from = i
      }
      pendingComma = -1
      i++
    } else {
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) pendingComma = -1
      i++
    }
  }
  out += text.slice(from)
  return JSON.parse(out)
}
