/**
 * Python's `str.split()` / `str.strip()` whitespace (`Py_UNICODE_ISSPACE`): the reference
 * metrics (sacreBLEU, SQuAD, rouge-score) are Python and split on this set, which differs from
 * JS `\s` (Python adds U+001C..U+001F and U+0085; JS adds U+FEFF).
 */
const PY_WS = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000'
const PY_WS_RUN = new RegExp(`[${PY_WS}]+`, 'g')
const PY_WS_LEAD = new RegExp(`^[${PY_WS}]+`)
const PY_WS_TRAIL = new RegExp(`[${PY_WS}]+$`)

/** `s.split()` with no arguments: split on whitespace runs, no empty strings. */
export function pySplit(s: string): string[] {
  return s.split(PY_WS_RUN).filter((t) => t.length > 0)
}

/** `s.strip()`. */
export function pyStrip(s: string): string {
  return s.replace(PY_WS_LEAD, '').replace(PY_WS_TRAIL, '')
}

/** `s.rstrip()`. */
export function pyRstrip(s: string): string {
  return s.replace(PY_WS_TRAIL, '')
}
