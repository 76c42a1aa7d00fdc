import { pySplit, pyStrip } from './python-text.ts'

/**
 * sacreBLEU's default `13a` tokenizer (mteval-v13a.pl): unescape a few HTML entities, then
 * space out punctuation and symbols, periods and commas unless between digits, and a dash after
 * a digit; collapse whitespace. Patterns run in `u` mode to match Python's code-point regexes.
 */
const RULES: [RegExp, string][] = [
  [/([{-~[-` -&(-+:-@/])/gu, ' $1 '],
  [/([^0-9])([.,])/gu, '$1 $2 '],
  [/([.,])([^0-9])/gu, ' $1 $2'],
  [/([0-9])(-)/gu, '$1 $2 '],
]

/** Tokenizes one segment exactly as sacreBLEU's `Tokenizer13a` does. */
export function tokenize13a(line: string): string {
  let s = line.replaceAll('<skipped>', '').replaceAll('-\n', '').replaceAll('\n', ' ')
  if (s.includes('&')) {
    s = s.replaceAll('&quot;', '"').replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>')
  }
  s = ` ${s} `
  for (const [re, replacement] of RULES) s = s.replace(re, replacement)
  return pySplit(pyStrip(s)).join(' ')
}
