/** What every mask contains after the shown characters: how masked text is recognised. */
export const MASK_MARK = '…[redacted'

/**
 * How a secret is shown: its first 4 characters and its length, nothing else. A quote, backslash,
 * `%`, `<`, `>`, `&` or control character among the 4 shows as `*`, so a mask written into JSON,
 * HTML, Markdown or a URL never breaks its encoding.
 */
export function maskSecret(value: string): string {
  return `${value.slice(0, 4).replace(/["'`\\%<>&\u0000-\u001f\u007f]/g, '*')}${MASK_MARK} ${value.length} chars]`
}

/** True when `text` at `index` continues into a mask (the match was masked already). */
export function maskedAt(text: string, index: number): boolean {
  return text.startsWith(MASK_MARK, index)
}
