/**
 * GPT-2's pre-tokenizer pattern (openai/gpt-2 `encoder.py`), in JS `u` mode: contractions,
 * an optional space plus a run of letters, of digits or of other symbols, and whitespace runs.
 * BPE merges never cross these pieces. In `u` mode a lone surrogate is one code point of the
 * "other symbols" class, and a surrogate pair is never split.
 */
export const GPT2_PATTERN = /'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu

/** Splits `text` into pieces whose concatenation is exactly `text`. */
export function pretokenize(text: string): string[] {
  const pieces: string[] = []
  forEachPiece(text, (piece) => pieces.push(piece))
  return pieces
}

/** Calls `visit` with each piece of `text` in order (no array built). */
export function forEachPiece(text: string, visit: (piece: string) => void): void {
  const re = new RegExp(GPT2_PATTERN) // own lastIndex: safe under re-entrance
  let end = 0
  let match = re.exec(text)
  while (match !== null) {
    // The alternatives cover every code point; the gap check keeps the concatenation exact anyway.
    if (match.index > end) visit(text.slice(end, match.index))
    visit(match[0])
    end = re.lastIndex
    match = re.exec(text)
  }
  if (end < text.length) visit(text.slice(end))
}
