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

/**
 * Calls `visit` with each piece of `text` in order (no array built). The alternatives cover every
 * code point (whitespace, letters, digits, everything else), so matches tile the text with no gap;
 * the pretokenize spec checks that property.
 */
export function forEachPiece(text: string, visit: (piece: string) => void): void {
  const re = new RegExp(GPT2_PATTERN) // own lastIndex: safe under re-entrance
  let match = re.exec(text)
  while (match !== null) {
    visit(match[0])
    match = re.exec(text)
  }
}
